import type { QueueOptions } from 'bullmq';
import type Redis from 'ioredis';

/**
 * Entries BullMQ keeps in each queue's event stream. Nothing of jobserver reads those streams
 * (its events go through the EventBus), and BullMQ's default keeps 10,000 (~1.8 MB of Redis per
 * queue, a context queue each: 180 MB with 100 contexts); a short tail still shows the last
 * moves of a queue to someone who looks with redis-cli.
 */
export const QUEUE_EVENTS_KEPT = 100;

/**
 * The options of every BullMQ Queue jobserver opens: its connection and key prefix, and the
 * length of the queue's event stream (kept in the queue's meta hash, where the last Queue opened
 * on a queue writes it: each must say the same).
 */
export function queueOptions(connection: Redis, prefix: string): QueueOptions {
  return { connection, prefix, streams: { events: { maxLen: QUEUE_EVENTS_KEPT } } };
}
