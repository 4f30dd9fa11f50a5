import type { ServerConfig } from '@jobserver/config';
import type { WorkerOptions } from 'bullmq';

/**
 * How many times a message may be re-delivered after its scheduler died before BullMQ fails it.
 * Handling is idempotent (routing uses the job id as BullMQ id, a context starts under a lease,
 * a job is claimed once, with a Redis SET NX), so re-delivery is safe.
 */
const MAX_REDELIVERIES = 5;

/**
 * Lock options of the `submit` and `context-commands` consumers: a short lock, renewed every half
 * lock, and a stalled check every half lock, so that the messages of a scheduler that died are
 * handed to another one within about 1.5 × `scheduler-lock-duration`.
 */
export function schedulerLocks(config: ServerConfig): Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    lockDuration: config.schedulerLockDurationMs,
    stalledInterval: Math.round(config.schedulerLockDurationMs / 2),
    maxStalledCount: MAX_REDELIVERIES,
  };
}
