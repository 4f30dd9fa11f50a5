import { parseExpression } from 'cron-parser';
import { parseDurationMs } from './units';

/** When a schedule ticks: a five-field cron in a time zone, or a fixed period from an anchor. */
export type ScheduleTiming = { cron: string; timezone: string } | { everyMs: number };

/** The longest `every`: a year (longer periods are crons). */
export const MAX_EVERY_MS = 366 * 86_400_000;

/** A schedule's timing a client gave that cannot be used; the message says why. */
export class InvalidScheduleTiming extends Error {
  override readonly name = 'InvalidScheduleTiming';
}

/** What a client gives: exactly one of `cron` and `every`, and for a cron an optional `timezone`. */
export interface TimingInput {
  cron?: unknown;
  every?: unknown;
  timezone?: unknown;
}

/**
 * Checks a client's timing. A cron has five fields (minute hour day-of-month month day-of-week,
 * cron-parser's syntax) and is read in `timezone` (IANA, default UTC); `every` is a duration
 * (`1s`, `5m`, `2h`) of at least `minIntervalMs`.
 * @throws InvalidScheduleTiming with the parser's message
 */
export function parseScheduleTiming(input: TimingInput, minIntervalMs: number): ScheduleTiming {
  const { cron, every, timezone } = input;
  if ((cron === undefined) === (every === undefined)) throw new InvalidScheduleTiming('give exactly one of cron and every');
  if (every !== undefined) {
    if (timezone !== undefined) throw new InvalidScheduleTiming('timezone applies to cron only');
    const everyMs = typeof every === 'string' ? parseDurationMs(every) : null;
    if (everyMs === null) throw new InvalidScheduleTiming(`every must be a duration such as 30s, 5m or 2h, got ${JSON.stringify(every)}`);
    if (everyMs < minIntervalMs) throw new InvalidScheduleTiming(`every must be at least schedule-min-interval (${minIntervalMs} ms), got ${everyMs} ms`);
    if (everyMs > MAX_EVERY_MS) throw new InvalidScheduleTiming('every must be at most 366d (use a cron for longer periods)');
    return { everyMs };
  }
  if (typeof cron !== 'string') throw new InvalidScheduleTiming('cron must be a string of five fields');
  const fields = cron.trim().split(/\s+/u);
  if (cron.length > 200 || fields.length !== 5) {
    throw new InvalidScheduleTiming(`cron must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  }
  const zone = timezone ?? 'UTC';
  if (typeof zone !== 'string' || !isTimeZone(zone)) throw new InvalidScheduleTiming(`timezone ${JSON.stringify(zone)} is not an IANA time zone`);
  const timing = { cron: fields.join(' '), timezone: zone };
  try {
    cronAfter(timing, new Date());
  } catch (error) {
    throw new InvalidScheduleTiming(`cron ${JSON.stringify(cron)} does not parse: ${(error as Error).message}`);
  }
  return timing;
}

/**
 * The first tick strictly after `after`. An `every` schedule ticks at `anchor + k × every`
 * (its creation or resumption), so ticks keep their phase whatever runs late.
 */
export function nextTick(timing: ScheduleTiming, anchor: Date, after: Date): Date {
  if ('cron' in timing) return cronAfter(timing, after);
  const elapsed = after.getTime() - anchor.getTime();
  const periods = elapsed < 0 ? 0 : Math.floor(elapsed / timing.everyMs) + 1;
  return new Date(anchor.getTime() + periods * timing.everyMs);
}

/** The last tick at or before `now`, but not before `due` (the tick the schedule waits for). */
export function latestDueTick(timing: ScheduleTiming, anchor: Date, due: Date, now: Date): Date {
  const last =
    'cron' in timing
      ? parseExpression(timing.cron, { currentDate: new Date(now.getTime() + 1), tz: timing.timezone }).prev().toDate()
      : new Date(nextTick(timing, anchor, now).getTime() - timing.everyMs);
  return last.getTime() > due.getTime() ? last : due;
}

/** The timing of a stored schedule: its cron and time zone, or its period. */
export function storedTiming(s: { cron: string | null; timezone: string | null; everyMs: number | null }): ScheduleTiming {
  return s.cron !== null ? { cron: s.cron, timezone: s.timezone ?? 'UTC' } : { everyMs: Number(s.everyMs) };
}

function cronAfter(timing: { cron: string; timezone: string }, after: Date): Date {
  return parseExpression(timing.cron, { currentDate: after, tz: timing.timezone }).next().toDate();
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
