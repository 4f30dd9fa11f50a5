import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthResponse } from './dto/health.response';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { REDIS } from '../infra/tokens';
import { Public } from '../auth/permission.decorator';

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

@ApiTags('health')
@Controller('healthz')
export class HealthController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly dataSource: DataSource,
    private readonly readiness: RedisReadiness,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: '200 when this gateway reaches Redis and Postgres, else 503' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'result says what is down' })
  async check(@Res() reply: FastifyReply): Promise<void> {
    const [redis, postgres] = await Promise.allSettled([
      // Not ready (the subscriber included) is down: submits would be refused.
      this.readiness.isReady() ? withTimeout(this.redis.ping(), 2000) : Promise.reject(new Error('not ready')),
      withTimeout(this.dataSource.query('SELECT 1'), 2000),
    ]);
    const down = [redis.status === 'rejected' && 'Redis', postgres.status === 'rejected' && 'Postgres'].filter(Boolean);
    const body = down.length ? { status: 'ERROR', result: `${down.join(' and ')} unreachable` } : { status: 'SUCCESS' };
    void reply.status(down.length ? 503 : 200).send(body);
  }
}
