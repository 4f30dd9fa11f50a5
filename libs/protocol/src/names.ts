import { randomBytes } from 'node:crypto';
import { statementQueueId } from './statements';

/**
 * Redis names shared by every process. Everything lives under one prefix so that several
 * servers (or test files) can share a Redis. With a hash-tagged prefix (`{jobserver}`) every key
 * of the server hashes to one Redis Cluster slot, as BullMQ and multi-key commands need.
 */
export class RedisNames {
  constructor(readonly prefix: string) {}

  /** BullMQ queue the gateway fills and the scheduler consumes. */
  readonly submitQueue = 'submit';
  /** BullMQ queue of context commands (create, stop) for the scheduler. */
  readonly contextCommandQueue = 'context-commands';
  /** BullMQ queue of context-creation requests that idle pool workers claim (pool launcher). */
  readonly contextClaimQueue = 'context-claims';
  /** BullMQ queue of completion-callback deliveries, consumed by schedulers (BullMQ job id = job id). */
  readonly callbackQueue = 'callbacks';

  /** BullMQ queue of one context's jobs (BullMQ forbids `:` in queue names). */
  contextQueue(context: string): string {
    return `ctx.${context}`;
  }

  /** Pub/sub channel of job and context events, read by gateways and schedulers. */
  get eventChannel(): string {
    return `${this.prefix}:events`;
  }

  /** Pub/sub channel of jobs' progress, stage and log events (JobDetailMessage), read by gateways. */
  get jobDetailChannel(): string {
    return `${this.prefix}:job-details`;
  }

  /**
   * Pub/sub channel of QUEUED job events, heard only by gateways with a firehose client open
   * (nobody else needs them: a job's own stream replays its QUEUED from Postgres), so that a
   * submit costs no subscriber anything while no dashboard watches.
   */
  get queuedChannel(): string {
    return `${this.prefix}:queued`;
  }

  /** Pub/sub channel of commands to context workers (cancel a job, stop). */
  get workerControlChannel(): string {
    return `${this.prefix}:worker-control`;
  }

  /** Key a context worker refreshes while it is alive. */
  heartbeatKey(context: string): string {
    return `${this.prefix}:heartbeat:${context}`;
  }

  /** What a live process (gateway, scheduler, context worker) tells GET /status; expires unless refreshed. */
  processKey(id: string): string {
    return `${this.prefix}:process:${id}`;
  }

  /** Sorted set of registered process ids, scored by their last refresh (ms). */
  get processIndexKey(): string {
    return `${this.prefix}:processes`;
  }

  /** Who a job belongs to: the worker that started it, or a DELETE that came first. */
  jobClaimKey(jobId: string): string {
    return `${this.prefix}:job-claim:${jobId}`;
  }

  /**
   * Who a console statement belongs to: the worker that started it, or a cancel that came first
   * (StatementClaims). A job claim named by the statement's queue id, so that an end event can
   * shorten it (EventBus.publish's `settleClaimsOf`).
   */
  statementClaimKey(contextId: string, statementId: number): string {
    return this.jobClaimKey(statementQueueId(contextId, statementId));
  }

  /** Lease of the scheduler that supervises heartbeats (one at a time). */
  get supervisorLeaseKey(): string {
    return `${this.prefix}:lease:supervisor`;
  }

  /** Lease of the scheduler that is starting a context (a re-delivered create waits it out). */
  contextStartLeaseKey(contextId: string): string {
    return `${this.prefix}:lease:start:${contextId}`;
  }

  /** Lease of the scheduler that is stopping an ad-hoc context whose job ended. */
  adHocStopLeaseKey(context: string): string {
    return `${this.prefix}:lease:adhoc-stop:${context}`;
  }

  /** Failed authentications from one client address in the current minute. */
  authFailuresKey(address: string): string {
    return `${this.prefix}:auth-failures:${address}`;
  }

  /** Pub/sub channel of auth notices to every gateway: revoked API keys, blocked addresses. */
  get authChannel(): string {
    return `${this.prefix}:auth`;
  }

  /**
   * A live context's memory, written by its worker with each heartbeat (same expiry):
   * JSON `{contextId, rss, heap}` (bytes; heap = the executor thread's V8 heap in use).
   */
  memoryKey(context: string): string {
    return `${this.prefix}:memory:${context}`;
  }

  /** Hash of the cluster-wide metric counters (fields: see metric-counters.ts), one HINCRBY per fact. */
  get metricsKey(): string {
    return `${this.prefix}:metrics`;
  }
}

/**
 * `<8 hex>-<classPath>` with every character that is not a name character (letters, digits,
 * `._-`) replaced by `_`: this names the context only; the job still resolves the real classPath.
 */
export function adHocContextName(classPath: string): string {
  return `${randomBytes(4).toString('hex')}-${classPath.replace(/[^A-Za-z0-9._-]/gu, '_')}`;
}
