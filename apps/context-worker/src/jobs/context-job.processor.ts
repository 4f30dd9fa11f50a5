import type { ServerConfig } from '@jobserver/config';
import {
  assertPayload,
  ProtocolError,
  RedisNames,
  STATEMENT_QUEUE_JOB,
  type ContextJobMessage,
  type ContextStatementMessage,
} from '@jobserver/protocol';
import { duplicateRedis, PromptWorker } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { Logger } from '../infra/logger';
import { StatementRunService } from '../statements/statement-run.service';
import { JobRunService } from './job-run.service';

const JOB_FIELDS = ['jobId', 'appName', 'bundleSha', 'classPath', 'config'] as const;
/** How often the queue is checked for messages whose worker lock lapsed (one script call). */
const STALLED_CHECK_MS = 5000;
/** The queue a spare's warm-up consumer is built for: it never runs, so it reads and writes nothing there. */
const WARM_UP_QUEUE = 'spare-warm-up';
/** Longest a warm-up waits for its connections (Redis down: the spare is ready all the same). */
const WARM_UP_TIMEOUT_MS = 2000;

/** Consumes the context's `ctx.<name>` queue, `max-jobs-per-context` jobs at a time. */
export class ContextJobProcessor {
  private readonly logger = new Logger(ContextJobProcessor.name);
  private worker: PromptWorker<ContextJobMessage> | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly runs: JobRunService,
    private readonly statements: StatementRunService,
  ) {}

  /**
   * Builds a consumer that never runs, lets it set up its two connections (scripts loaded) and
   * closes it: what a spare does while it waits, so that its context's consumer starts on warm
   * code. In a fresh process the consumer's construction, connection set-up and script loading
   * took ~5 ms longer, and an ad-hoc job waits for them (A/B of ad-hoc jobs: 73.7 → 68.2 and
   * 78.4 → 73.2 ms p50).
   */
  async warmUp(): Promise<void> {
    const connection = duplicateRedis(this.redis, 'worker-warm-up');
    const worker = new PromptWorker(WARM_UP_QUEUE, null, { connection, prefix: this.config.prefix, autorun: false });
    worker.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, WARM_UP_TIMEOUT_MS)));
    await Promise.race([worker.waitUntilReady().catch(() => undefined), late]);
    clearTimeout(timer);
    // Not waited for: with Redis down it would wait as long as Redis does.
    void worker
      .close(true)
      .catch(() => undefined)
      .finally(() => connection.disconnect());
  }

  start(context: string, concurrency: number): void {
    this.worker = new PromptWorker<ContextJobMessage>(
      this.names.contextQueue(context),
      async (job) =>
        job.name === STATEMENT_QUEUE_JOB
          ? this.statements.run(statementPayload(job.data))
          : this.runs.run(assertPayload<ContextJobMessage>(job.data, JOB_FIELDS, 'context job')),
      {
        connection: duplicateRedis(this.redis, `worker-jobs:${context}`),
        prefix: this.config.prefix,
        concurrency,
        lockDuration: this.config.jobLockDurationMs,
        // A message left active without its worker is handed out again: after a Redis failover the
        // reply of a moveToActive can be lost, leaving a job no worker holds. Re-delivery never runs
        // a job twice: a job runs only under its claim (JobClaims.take), and a worker that dies
        // mid-job has its jobs failed by the scheduler, whose claim stays taken.
        maxStalledCount: 1,
        // Such a message is found once its lock lapses (job-lock-duration), within this after.
        stalledInterval: STALLED_CHECK_MS,
      },
    );
    this.worker.on('error', (err) => this.logger.error({ err, context }, 'context queue worker error'));
  }

  /** Stops taking jobs (running ones are ended by the executor's stop). */
  async close(): Promise<void> {
    await this.worker?.close(true);
  }
}

/** A console statement of the queue (it shares the jobs' slots). @throws ProtocolError */
function statementPayload(data: unknown): ContextStatementMessage {
  const message = assertPayload<ContextStatementMessage>(data, ['contextId'], 'context statement');
  if (!Number.isInteger(message.statementId)) throw new ProtocolError('context statement has no integer statementId');
  return message;
}
