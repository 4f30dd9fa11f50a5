import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiKeyRecord } from '@jobserver/persistence';
import { bodyText } from '../infra/body-text';
import { parseKeyRequest } from './api-key.request';
import { ApiKeyService } from './api-key.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { RequiresPermission } from './permission.decorator';
import type { Principal } from './principal';

const iso = (time: Date | null) => (time ? new Date(time).toISOString() : null);

function toKeyResponse(key: ApiKeyRecord): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    permissions: key.permissions,
    owner: key.owner,
    created: iso(key.createdAt),
    expires: iso(key.expiresAt),
    lastUsed: iso(key.lastUsedAt),
    revoked: iso(key.revokedAt),
  };
}

/** API keys: created with the secret shown once, listed without secrets, revoked. */
@ApiTags('auth')
@Controller('auth/keys')
export class ApiKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  @RequiresPermission('auth:admin')
  @ApiOperation({ summary: 'Create an API key; its secret is in the answer, once' })
  @ApiBody({ description: '{"name", "permissions", "expires"?}', schema: { type: 'string' } })
  async create(@CurrentPrincipal() principal: Principal | undefined, @Body() body: unknown): Promise<object> {
    const { record, secret } = await this.keys.create(principal, parseKeyRequest(bodyText(body)));
    return { status: 'SUCCESS', result: { ...toKeyResponse(record), key: secret } };
  }

  @Get()
  @RequiresPermission('auth:admin')
  @ApiOperation({ summary: 'Every API key, without secrets' })
  async list(): Promise<object[]> {
    return (await this.keys.list()).map(toKeyResponse);
  }

  @Delete(':id')
  @RequiresPermission('auth:admin')
  @ApiOperation({ summary: 'Revoke an API key on every gateway' })
  async revoke(@Param('id') id: string): Promise<object> {
    await this.keys.revoke(id);
    return { status: 'SUCCESS' };
  }
}
