import { describe, expect, it } from 'vitest';
import { InvalidScheduleTiming, latestDueTick, nextTick, parseScheduleTiming } from './schedule-timing';

const at = (iso: string) => new Date(iso);

describe('parseScheduleTiming', () => {
  it('reads a five-field cron, UTC unless a time zone is given', () => {
    expect(parseScheduleTiming({ cron: ' */5  * * * * ' }, 1000)).toEqual({ cron: '*/5 * * * *', timezone: 'UTC' });
    expect(parseScheduleTiming({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }, 1000)).toEqual({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });
  });

  it('reads every as a duration', () => {
    expect(parseScheduleTiming({ every: '1s' }, 1000)).toEqual({ everyMs: 1000 });
    expect(parseScheduleTiming({ every: '5m' }, 1000)).toEqual({ everyMs: 300_000 });
  });

  it.each([
    [{ cron: '* * *' }, /five fields .* got 3/],
    [{ cron: '* * * * * *' }, /five fields .* got 6/],
    [{ cron: '61 * * * *' }, /does not parse: Constraint error, got value 61 expected range 0-59/],
    [{ cron: 'a b c d e' }, /does not parse: Invalid characters/],
    [{ cron: 5 }, /cron must be a string/],
    [{ cron: '* * * * *', timezone: 'Nowhere/Atlantis' }, /not an IANA time zone/],
    [{ every: '0s' }, /at least schedule-min-interval \(1000 ms\), got 0 ms/],
    [{ every: '1ms' }, /at least schedule-min-interval/],
    [{ every: 'soon' }, /every must be a duration/],
    [{ every: 5 }, /every must be a duration/],
    [{ every: '400d' }, /at most 366d/],
    [{ every: '1m', timezone: 'UTC' }, /timezone applies to cron only/],
    [{}, /exactly one of cron and every/],
    [{ cron: '* * * * *', every: '1s' }, /exactly one of cron and every/],
  ])('refuses %j', (input, message) => {
    expect(() => parseScheduleTiming(input, 1000)).toThrow(InvalidScheduleTiming);
    expect(() => parseScheduleTiming(input, 1000)).toThrow(message);
  });
});

describe('nextTick', () => {
  it('keeps an every schedule in phase with its anchor', () => {
    const anchor = at('2026-12-06T10:00:00.000Z');
    expect(nextTick({ everyMs: 1000 }, anchor, anchor)).toEqual(at('2026-12-06T10:00:01.000Z'));
    expect(nextTick({ everyMs: 1000 }, anchor, at('2026-12-06T10:00:05.400Z'))).toEqual(at('2026-12-06T10:00:06.000Z'));
    expect(nextTick({ everyMs: 1000 }, anchor, at('2026-12-06T10:00:06.000Z'))).toEqual(at('2026-12-06T10:00:07.000Z'));
  });

  it('reads a cron in its time zone, strictly after the given time', () => {
    const timing = { cron: '0 9 * * *', timezone: 'Europe/Berlin' };
    expect(nextTick(timing, at('2026-01-01T00:00:00Z'), at('2026-12-06T07:59:00Z'))).toEqual(at('2026-12-06T08:00:00Z'));
    expect(nextTick(timing, at('2026-01-01T00:00:00Z'), at('2026-12-06T08:00:00Z'))).toEqual(at('2026-12-07T08:00:00Z'));
  });
});

describe('latestDueTick', () => {
  it('is the due tick itself when it is the only one past', () => {
    const due = at('2026-12-06T10:05:00Z');
    expect(latestDueTick({ cron: '*/5 * * * *', timezone: 'UTC' }, due, due, at('2026-12-06T10:06:00Z'))).toEqual(due);
  });

  it('is the last tick before now after an outage', () => {
    const due = at('2026-12-06T10:05:00Z');
    expect(latestDueTick({ cron: '*/5 * * * *', timezone: 'UTC' }, due, due, at('2026-12-08T10:07:00Z'))).toEqual(at('2026-12-08T10:05:00Z'));
    const anchor = at('2026-12-06T10:00:00Z');
    expect(latestDueTick({ everyMs: 1000 }, anchor, at('2026-12-06T10:00:01Z'), at('2026-12-06T10:00:09.500Z'))).toEqual(at('2026-12-06T10:00:09Z'));
  });
});
