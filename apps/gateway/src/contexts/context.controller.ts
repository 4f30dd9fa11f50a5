import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { BadRequest } from '@jobserver/protocol';
import { ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SuccessMessageResponse } from '../infra/success.response';
import { ContextResponse } from './dto/context.response';
import { bodyText } from '../infra/body-text';
import { idempotencyKey } from '../infra/idempotency';
import { ContextService } from './context.service';
import { toContextResponse } from './context.responses';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';

@ApiTags('contexts')
@Controller('contexts')
export class ContextController {
  constructor(private readonly contexts: ContextService) {}

  @Post(':name')
  @RequiresPermission('contexts:start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a named context; answers once it is RUNNING' })
  @ApiHeader({ name: 'idempotency-key', required: false, description: 'a repeat within idempotency-window answers as the first (no second context); another request with it: 422' })
  @ApiOkResponse({ type: SuccessMessageResponse, description: '"Context initialized"' })
  @ApiQuery({ name: 'num-cpu-cores', required: false, description: 'worker threads jobs may use' })
  @ApiQuery({ name: 'mem-per-node', required: false, description: 'heap cap of the executor, e.g. 512m' })
  @ApiQuery({ name: 'max-jobs-per-context', required: false, description: 'concurrent jobs' })
  @ApiConsumes('text/plain')
  @ApiBody({ required: false, description: 'HOCON/JSON with a context-settings block (any Content-Type)', schema: { type: 'string' } })
  async create(
    @Param('name') name: string,
    @Query() query: Record<string, string>,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<object> {
    await this.contexts.create(name, query, bodyText(body), principal, idempotencyKey(key));
    return { status: 'SUCCESS', result: 'Context initialized' };
  }

  /** `POST /contexts/a/b`: a context name with a `/` is refused as such (400), not as an unknown route. */
  @Post(':name/*')
  @RequiresPermission('contexts:start')
  @ApiExcludeEndpoint()
  async createSlashedName(@Param('name') name: string, @Param('*') rest: string): Promise<never> {
    await this.contexts.create(`${name}/${rest}`, {}, '');
    throw new Error('unreachable: a name with a slash is never valid');
  }

  @Put()
  @RequiresPermission('contexts:reset')
  @ApiOperation({ summary: 'reset=reboot: stop every context, then start the configured ones' })
  @ApiQuery({ name: 'reset', required: true, description: 'reboot' })
  @ApiOkResponse({ type: SuccessMessageResponse, description: '"Context reset"' })
  async reset(@Query('reset') reset?: string, @CurrentPrincipal() principal?: Principal): Promise<object> {
    if (reset !== 'reboot') throw new BadRequest('reset must be reboot');
    await this.contexts.reset(principal);
    return { status: 'SUCCESS', result: 'Context reset' };
  }

  @Get()
  @RequiresPermission('contexts:read')
  @ApiOperation({ summary: 'Names of the live contexts' })
  @ApiOkResponse({ type: [String] })
  list(@CurrentPrincipal() principal?: Principal): Promise<string[]> {
    return this.contexts.listLive(principal);
  }

  @Get(':name')
  @RequiresPermission('contexts:read')
  @ApiOperation({ summary: 'State, settings and running jobs of a live context' })
  @ApiOkResponse({ type: ContextResponse })
  async get(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<ContextResponse> {
    const { context, runningJobs } = await this.contexts.get(name, principal);
    return toContextResponse(context, runningJobs);
  }

  @Delete(':name')
  @RequiresPermission('contexts:delete')
  @ApiOperation({ summary: 'Stop a context; its jobs end KILLED' })
  @ApiQuery({ name: 'force', required: false, description: 'true: cut running jobs off at once instead of giving them kill-grace' })
  @ApiOkResponse({ type: SuccessMessageResponse, description: '"Context stopped"' })
  async stop(
    @Param('name') name: string,
    @Query('force') force?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<object> {
    await this.contexts.stop(name, force === 'true', principal);
    return { status: 'SUCCESS', result: 'Context stopped' };
  }
}

