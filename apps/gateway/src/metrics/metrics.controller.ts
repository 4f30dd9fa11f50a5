import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresPermission } from '../auth/permission.decorator';
import { ClusterMetrics } from './cluster-metrics.service';
import { ProcessMetrics } from './process-metrics';
import { OUTAGE_RETRY_AFTER_S } from '../infra/domain-error.filter';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  private readonly logger = new Logger(MetricsController.name);

  constructor(
    private readonly cluster: ClusterMetrics,
    private readonly process: ProcessMetrics,
  ) {}

  /**
   * Cluster families then this gateway's. Without Postgres or Redis the answer is 503 with the
   * process families only (docs/metrics.md): Prometheus marks the scrape failed, a person still
   * sees the gateway's own figures.
   */
  @Get()
  @RequiresPermission('metrics:read')
  @ApiOperation({
    summary:
      'Prometheus text format, cluster-wide; 503 (process metrics only) while Postgres or Redis is down',
  })
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const [cluster, own] = await Promise.allSettled([this.cluster.text(), this.process.text()]);
    const processText = own.status === 'fulfilled' ? own.value : '';
    void reply.header('content-type', this.process.contentType);
    if (cluster.status === 'rejected') {
      this.logger.warn({ err: cluster.reason }, 'metrics scrape without Postgres or Redis');
      void reply.status(503).header('retry-after', String(OUTAGE_RETRY_AFTER_S)).send(processText);
      return;
    }
    void reply.status(200).send(cluster.value + processText);
  }
}
