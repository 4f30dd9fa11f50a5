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
