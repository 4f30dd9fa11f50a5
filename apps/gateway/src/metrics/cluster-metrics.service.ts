import { Inject, Injectable } from '@nestjs/common';
import {
  EXECUTOR_RESTARTS_FIELD,
  JOB_STATUSES,
  LIVE_CONTEXT_STATES,
  RedisNames,
  TERMINAL_JOB_STATUSES,
  readHistogram,
  readLabelled,
} from '@jobserver/protocol';
import type Redis from 'ioredis';
import { REDIS } from '../infra/tokens';
import { ClusterStateReader, type ClusterState } from './cluster-state.reader';
import { formatFamilies, histogramFamily, type Family } from './exposition';

const ACTIVE = JOB_STATUSES.filter((status) => !TERMINAL_JOB_STATUSES.includes(status));

/** Every known label value with its count (0 when absent), so that series exist from the start. */
const withZeros = (known: readonly string[], values: Map<string, number>, label: string) =>
  known.map((key) => ({ labels: { [label]: key }, value: values.get(key) ?? 0 }));

/**
 * The cluster-wide families of `GET /metrics` (docs/metrics.md): counters and histograms from the
 * Redis hash the job lifecycle increments, gauges from Postgres (ClusterStateReader, cached).
 */
@Injectable()
export class ClusterMetrics {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly state: ClusterStateReader,
  ) {}

  /** The families' text; rejects when Redis or Postgres cannot be read. */
  async text(): Promise<string> {
    const [fields, state] = await Promise.all([
      this.redis.hgetall(this.names.metricsKey),
      this.state.read(),
    ]);
    const memory = await this.memory(state);
    return formatFamilies([...this.counters(fields, state), ...this.gauges(state), memory]);
  }

  /** The heartbeats' memory of the live contexts only; a value from an older life of a name is left out. */
  private async memory(state: ClusterState): Promise<Family> {
    const keys = state.live.map(({ name }) => this.names.memoryKey(name));
    const values = keys.length ? await this.redis.mget(keys) : [];
    const samples = state.live.flatMap(({ name, id }, index) => {
      const memory = parseMemory(values[index]);
      if (!memory || memory.contextId !== id) return [];
      return [
        { labels: { context: name, kind: 'rss' }, value: memory.rss },
        { labels: { context: name, kind: 'heap' }, value: memory.heap },
      ];
    });
    const help = "Live contexts' worker RSS and executor thread heap in use, from their heartbeats";
    return { name: 'jobserver_context_memory_bytes', help, type: 'gauge', samples };
  }

  private counters(fields: Record<string, string>, state: ClusterState): Family[] {
    const submitted = readLabelled(fields, 'submitted');
    // The app label is capped to the apps stored now: a deleted app's count leaves the exposition.
    const apps = [...state.apps].sort();
    const callbacks = readLabelled(fields, 'callback');
    return [
      {
        name: 'jobserver_jobs_submitted_total',
        help: 'Jobs recorded by submits, by app (apps stored now)',
        type: 'counter',
        samples: withZeros(apps, submitted, 'app'),
      },
      {
        name: 'jobserver_jobs_ended_total',
        help: 'Jobs ended, by status',
        type: 'counter',
        samples: withZeros(TERMINAL_JOB_STATUSES, readLabelled(fields, 'ended'), 'status'),
      },
      histogramFamily(
        'jobserver_job_duration_seconds',
        'Time from start to end of ended jobs',
        readHistogram(fields, 'duration'),
      ),
      histogramFamily(
        'jobserver_job_queue_wait_seconds',
        'Time from submit to start of ended jobs',
        readHistogram(fields, 'wait'),
      ),
      {
        name: 'jobserver_executor_restarts_total',
        help: 'Executor threads replaced after they died',
        type: 'counter',
        samples: [{ value: Number(fields[EXECUTOR_RESTARTS_FIELD] ?? 0) }],
      },
      {
        name: 'jobserver_callback_deliveries_total',
        help: 'Completion callback delivery attempts, by outcome',
        type: 'counter',
        samples: withZeros(CALLBACK_OUTCOMES, callbacks, 'outcome'),
      },
    ];
  }

  private gauges(state: ClusterState): Family[] {
    return [
      {
        name: 'jobserver_jobs',
        help: 'Jobs queued or running now (up to 2 s old)',
        type: 'gauge',
        samples: withZeros(ACTIVE, state.jobs, 'status'),
      },
      {
        name: 'jobserver_contexts',
        help: 'Live contexts by state (up to 2 s old)',
        type: 'gauge',
        samples: withZeros(LIVE_CONTEXT_STATES, state.contexts, 'state'),
      },
    ];
  }
}

/** The outcomes of CallbackDeliveryService.attempt. */
export const CALLBACK_OUTCOMES = ['delivered', 'retry', 'failed'] as const;

/** A heartbeat's memory value, or undefined when absent or not the shape workers write. */
function parseMemory(
  raw: string | null | undefined,
): { contextId: string; rss: number; heap: number } | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as { contextId?: unknown; rss?: unknown; heap?: unknown };
    const ok =
      typeof value.contextId === 'string' &&
      typeof value.rss === 'number' &&
      typeof value.heap === 'number';
    return ok ? (value as { contextId: string; rss: number; heap: number }) : undefined;
  } catch {
    return undefined;
  }
}
