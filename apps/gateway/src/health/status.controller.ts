import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterStatusResponse } from './dto/health.response';
import type { ServerConfig } from '@jobserver/config';
import { RedisNames } from '@jobserver/protocol';
import { ProcessRegistry, type ProcessStatus } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { RequiresPermission } from '../auth/permission.decorator';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { REDIS, SERVER_CONFIG } from '../infra/tokens';

/**
 * GET /status: the live processes of the cluster, as they registered in Redis. Hand-written
 * rather than through a service: it is one read of the registry, with nothing to decide.
 */
@ApiTags('health')
@Controller('status')
export class StatusController {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly readiness: RedisReadiness,
  ) {}

  @Get()
  @RequiresPermission('metrics:read')
  @ApiOperation({ summary: 'Every live process: id, role, version, uptime, last heartbeat, hosted contexts' })
  @ApiOkResponse({ type: ClusterStatusResponse })
  async status(): Promise<{ processes: ProcessStatus[] }> {
    this.readiness.assertReady();
    return { processes: await ProcessRegistry.list(this.redis, this.names, this.config.heartbeatTimeoutMs) };
  }
}
