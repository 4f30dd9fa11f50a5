import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SuccessResponse } from '../infra/success.response';
import { ApiKeyCreatedResponse, ApiKeyResponse } from './dto/api-key.response';
import type { ApiKeyRecord } from '@jobserver/persistence';
import { bodyText } from '../infra/body-text';
import { parseKeyRequest } from './api-key.request';
import { ApiKeyService } from './api-key.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { RequiresPermission } from './permission.decorator';
import type { Principal } from './principal';

const iso = (time: Date | null) => (time ? new Date(time).toISOString() : null);

function toKeyResponse(key: ApiKeyRecord): ApiKeyResponse {
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
  @ApiConsumes('application/json')
  @ApiBody({
    description: 'expires: an ISO-8601 time or a duration from now (30d, 12h); absent: never',
    schema: {
      type: 'object',
      required: ['name', 'permissions'],
      properties: {
        name: { type: 'string' },
        permissions: { type: 'array', items: { type: 'string' } },
        expires: { type: 'string' },
      },
    },
  })
  @ApiCreatedResponse({ type: ApiKeyCreatedResponse })
  async create(@CurrentPrincipal() principal: Principal | undefined, @Body() body: unknown): Promise<ApiKeyCreatedResponse> {
    const { record, secret } = await this.keys.create(principal, parseKeyRequest(bodyText(body)));
    return { status: 'SUCCESS', result: { ...toKeyResponse(record), key: secret } };
  }

  @Get()
  @RequiresPermission('auth:admin')
  @ApiOperation({ summary: 'Every API key, without secrets' })
  @ApiOkResponse({ type: [ApiKeyResponse] })
  async list(): Promise<ApiKeyResponse[]> {
    return (await this.keys.list()).map(toKeyResponse);
  }

  @Delete(':id')
  @RequiresPermission('auth:admin')
  @ApiOperation({ summary: 'Revoke an API key on every gateway' })
  @ApiOkResponse({ type: SuccessResponse })
  async revoke(@Param('id') id: string): Promise<object> {
    await this.keys.revoke(id);
    return { status: 'SUCCESS' };
  }
}
