import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ClusterMetrics } from './cluster-metrics.service';
import { ClusterStateReader } from './cluster-state.reader';
import { MetricsController } from './metrics.controller';
import { ProcessMetrics } from './process-metrics';

/** `GET /metrics` (API.md "Metrics", docs/metrics.md) and the HTTP duration hook it reports. */
@Module({
  controllers: [MetricsController],
  providers: [
    ClusterMetrics,
    ClusterStateReader,
    { provide: ProcessMetrics, useValue: new ProcessMetrics() },
  ],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly metrics: ProcessMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    // reply.elapsedTime is fastify's own clock from the request's arrival; routeOptions.url is the
    // pattern (unmatched URLs have none: one label value for all of them).
    fastify.addHook('onResponse', (request, reply, done) => {
      this.metrics.observe(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
