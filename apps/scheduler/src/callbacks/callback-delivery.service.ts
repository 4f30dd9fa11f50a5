import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { CallbackRepository } from '@jobserver/persistence';
import { callbackField, TERMINAL_JOB_STATUSES } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { SERVER_CONFIG } from '../infra/tokens';
import { callbackBody, callbackHeaders } from './callback-request';
import { sendCallback } from './callback-sender';

/** What is left of a callback after one attempt. */
export type AttemptOutcome = 'done' | 'retry';

/**
 * One delivery attempt of a job's completion callback: reads the job, POSTs its body, and
 * records the attempt in Postgres before anything else happens (the next attempt, or the end).
 * Postgres is the record: an attempt that was made but not recorded (its scheduler died) is made
 * again, which is what at-least-once delivery allows.
 */
@Injectable()
export class CallbackDeliveryService {
  private readonly logger = new Logger(CallbackDeliveryService.name);

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly callbacks: CallbackRepository,
    private readonly bus: EventBus,
  ) {}

  /** @returns 'retry' when the callback is still pending after this attempt, else 'done' */
  async attempt(jobId: string): Promise<AttemptOutcome> {
    const job = await this.callbacks.forDelivery(jobId);
    // Already delivered or failed (a duplicate queue entry), or not ended (never queued so).
    if (!job || job.state !== 'PENDING' || !TERMINAL_JOB_STATUSES.includes(job.status))
      return 'done';
    const { secret, timeoutMs, attempts } = this.config.callbacks;
    const body = callbackBody(job);
    const answer = await sendCallback(
      job.url,
      body,
      callbackHeaders(job.id, body, secret),
      timeoutMs,
    );
    const progress = await this.callbacks.recordAttempt(job.id, answer.status, attempts);
    this.count(progress?.state);
    const fields = {
      jobId,
      context: job.context,
      attempt: progress?.attempts,
      status: answer.status,
      failure: answer.failure,
      state: progress?.state,
    };
    if (progress?.state === 'DELIVERED') this.logger.log(fields, 'callback delivered');
    else if (progress?.state === 'FAILED')
      this.logger.warn(fields, 'callback failed: no attempt left');
    else this.logger.warn(fields, 'callback attempt failed; retrying after callback-retry-delay');
    return progress?.state === 'PENDING' ? 'retry' : 'done';
  }

  /** jobserver_callback_deliveries_total{outcome} (docs/metrics.md): one per recorded attempt. */
  private count(state: string | undefined): void {
    if (!state) return;
    const outcome = state === 'DELIVERED' ? 'delivered' : state === 'FAILED' ? 'failed' : 'retry';
    this.bus
      .count([[callbackField(outcome), 1]])
      .catch((err: unknown) => this.logger.error({ err }, 'counting the callback attempt failed'));
  }
}
