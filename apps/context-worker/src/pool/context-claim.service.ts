import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ServerConfig } from '@jobserver/config';
import { ContextRepository } from '@jobserver/persistence/core';
import { assertPayload, RedisNames, type ContextClaim } from '@jobserver/protocol';
import { Worker, type Job } from 'bullmq';
import { duplicateRedis } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { Logger } from '../infra/logger';

const CLAIM_FIELDS = ['contextId', 'context'] as const;
/** Pause after a failed fetch (Redis down) before trying again. */
const RETRY_MS = 1_000;

/**
 * Pool mode (no `JOBSERVER_CONTEXT_ID`): waits on the `context-claims` queue and takes exactly one
 * claim, with BullMQ's manual fetch (a worker without a processor), so that a process hosts one
 * context in its life. A claim of a context that is no longer STARTED (it failed or was stopped
 * meanwhile) is dropped, and the wait goes on.
 */
export class ContextClaimService {
  private readonly logger = new Logger(ContextClaimService.name);
  private worker: Worker<ContextClaim> | undefined;
  private closed = false;

  constructor(
    private readonly config: ServerConfig,
    private readonly redis: Redis,
    private readonly names: RedisNames,
    private readonly contexts: ContextRepository,
  ) {}

  /** Resolves with the id of the claimed context, or undefined once closed. */
  async next(): Promise<string | undefined> {
    const connection = duplicateRedis(this.redis, `worker-claims:${this.config.instanceId}`);
    const worker = new Worker<ContextClaim>(this.names.contextClaimQueue, null, {
      connection,
      prefix: this.config.prefix,
      autorun: false,
    });
    worker.on('error', (err) => this.logger.error({ err }, 'context claim worker error'));
    this.worker = worker;
    const token = randomUUID();
    this.logger.log('pool worker waiting for a context claim');
    try {
      while (!this.closed) {
        const job = await worker.getNextJob(token).catch(async (err: unknown) => {
          if (!this.closed) this.logger.error({ err }, 'fetching a context claim failed');
          await new Promise((resolve) => setTimeout(resolve, this.closed ? 0 : RETRY_MS));
          return undefined;
        });
        const contextId = job && !this.closed ? await this.take(job, token) : undefined;
        if (contextId) return contextId;
      }
      return undefined;
    } finally {
      await worker.close().catch(() => undefined);
      connection.disconnect();
    }
  }

  /** Stops waiting (process shutdown). */
  close(): void {
    this.closed = true;
    void this.worker?.close().catch(() => undefined);
  }

  private async take(job: Job<ContextClaim>, token: string): Promise<string | undefined> {
    let claim: ContextClaim;
    try {
      claim = assertPayload<ContextClaim>(job.data, CLAIM_FIELDS, 'context claim');
    } catch (error) {
      this.logger.error({ err: error }, 'malformed context claim; dropped');
      await job.moveToFailed(error as Error, token, false);
      return undefined;
    }
    const context = await this.contexts.byId(claim.contextId);
    if (context?.state !== 'STARTED') {
      this.logger.warn({ context: claim.context, state: context?.state }, 'claim of a context that is no longer starting; dropped');
      await job.moveToCompleted('dropped', token, false);
      return undefined;
    }
    await job.moveToCompleted(`${hostname()}/${process.pid}`, token, false);
    this.logger.log({ context: claim.context }, 'context claimed');
    return claim.contextId;
  }
}
