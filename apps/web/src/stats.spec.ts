import { describe, expect, it } from 'vitest';
import type { JobRow } from './api';
import {
  durationSample,
  endedPerMinute,
  lastHour,
  percentile,
  percentilesPerMinute,
  queueWaitSample,
} from './stats';

const job = (status: string, startTime: string, duration: string, submitTime?: string): JobRow => ({
  jobId: startTime,
  status,
  classPath: 'c',
  appName: 'a',
  context: 'x',
  startTime,
  duration,
  submitTime,
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

describe('duration and queue-wait samples', () => {
  it('places an ended job at its end with its duration, and not a job still running', () => {
    expect(durationSample(job('ERROR', '2026-01-01T11:00:00Z', '2.5 secs'))).toEqual({
      at: Date.parse('2026-01-01T11:00:02.500Z'),
      value: 2.5,
    });
    expect(
      durationSample(job('RUNNING', '2026-01-01T11:00:00Z', 'Job not done yet')),
    ).toBeUndefined();
  });

  it('places a started job at its start with its wait since submit, and not a queued one', () => {
    const started = job(
      'RUNNING',
      '2026-01-01T11:00:03Z',
      'Job not done yet',
      '2026-01-01T11:00:00Z',
    );
    expect(queueWaitSample(started)).toEqual({ at: Date.parse('2026-01-01T11:00:03Z'), value: 3 });
    const queued = job(
      'QUEUED',
      '2026-01-01T11:00:00Z',
      'Job not done yet',
      '2026-01-01T11:00:00Z',
    );
    expect(queueWaitSample(queued)).toBeUndefined();
    expect(queueWaitSample(job('FINISHED', '2026-01-01T11:00:00Z', '1 secs'))).toBeUndefined();
  });
});

describe('percentilesPerMinute', () => {
  const now = Date.parse('2026-01-01T12:00:30Z');
  it('gives p50 and p99 of each minute of the last hour, null for empty minutes', () => {
    const jobs = [
      job('FINISHED', '2026-01-01T12:00:00Z', '1 secs'),
      job('FINISHED', '2026-01-01T12:00:01Z', '3 secs'),
      job('FINISHED', '2026-01-01T12:00:02Z', '9 secs'),
      job('FINISHED', '2026-01-01T11:01:00Z', '0.5 secs'),
      job('FINISHED', '2026-01-01T10:00:00Z', '1 secs'), // over an hour ago
    ];
    const samples = lastHour(jobs, now, durationSample);
    expect(samples).toHaveLength(4);
    const [xs, p50, p99] = percentilesPerMinute(samples, now);
    expect(xs).toHaveLength(60);
    expect([p50[59], p99[59]]).toEqual([3, 9]);
    expect([p50[0], p99[0]]).toEqual([0.5, 0.5]);
    expect(p50.filter((v) => v === null)).toHaveLength(58);
  });
});
