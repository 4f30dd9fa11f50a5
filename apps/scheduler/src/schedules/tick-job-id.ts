import { createHash } from 'node:crypto';

/**
 * The id of the job a schedule's tick submits: a name-based UUID (RFC 9562 version 8, from
 * sha256) of the schedule's id and the tick. Every scheduler derives the same id for the same
 * tick, so the jobs table's primary key lets exactly one of them record it.
 */
export function tickJobId(scheduleId: string, tick: Date): string {
  const hex = createHash('sha256').update(`${scheduleId}/${tick.toISOString()}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
