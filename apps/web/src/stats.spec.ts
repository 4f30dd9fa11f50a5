import { describe, expect, it } from 'vitest';
import type { JobRow } from './api';
import { endedPerMinute, percentile } from './stats';

const job = (status: string, startTime: string, duration: string): JobRow => ({
  jobId: startTime,
  status,
  classPath: 'c',
  appName: 'a',
  context: 'x',
  startTime,
  duration,
});

describe('endedPerMinute', () => {
  const now = Date.parse('2026-01-01T12:00:30Z');
  it('buckets ended jobs by the minute they ended, per status, over the last hour', () => {
    const [xs, finished, error, killed] = endedPerMinute(
      [
        job('FINISHED', '2026-01-01T11:59:50Z', '20.000 secs'), // ended 12:00:10 → last slot
        job('FINISHED', '2026-01-01T11:59:10Z', '1.5 secs'), // ended 11:59:11 → slot 58
        job('ERROR', '2026-01-01T11:01:00Z', '0.1 secs'), // slot 0
        job('KILLED', '2026-01-01T10:00:00Z', '1 secs'), // over an hour ago
        job('RUNNING', '2026-01-01T12:00:00Z', 'Job not done yet'),
      ],
      now,
    );
    expect(xs).toHaveLength(60);
    expect(xs[59]).toBe(Date.parse('2026-01-01T12:00:00Z') / 1000);
    expect(finished[59]).toBe(1);
    expect(finished[58]).toBe(1);
    expect(error[0]).toBe(1);
    expect(killed.every((n) => n === 0)).toBe(true);
  });
});

describe('percentile', () => {
  it('takes the nearest rank and is undefined without values', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([7], 99)).toBe(7);
  });
});
