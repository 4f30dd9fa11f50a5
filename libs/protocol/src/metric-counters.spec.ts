import { describe, expect, it } from 'vitest';
import {
  JOB_SECONDS_BUCKETS,
  bucketIndex,
  endIncrements,
  readHistogram,
  readLabelled,
} from './metric-counters';

describe('metric counters (the Redis hash of docs/metrics.md)', () => {
  it('puts an observation in the first bucket whose bound it does not exceed, +Inf past the last', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(0.005)).toBe(0);
    expect(bucketIndex(0.0051)).toBe(1);
    expect(bucketIndex(1800)).toBe(JOB_SECONDS_BUCKETS.length - 1);
    expect(bucketIndex(1801)).toBe(JOB_SECONDS_BUCKETS.length);
  });

  it('counts an end once: its status, one bucket and the ms sum of each histogram', () => {
    const createdAt = new Date(1000);
    const startTime = new Date(1300);
    const endTime = new Date(3300);
    expect(endIncrements('FINISHED', { createdAt, startTime, endTime })).toEqual([
      ['ended:FINISHED', 1],
      [`duration:${bucketIndex(2)}`, 1],
      ['duration:sum-ms', 2000],
      [`wait:${bucketIndex(0.3)}`, 1],
      ['wait:sum-ms', 300],
    ]);
  });

  it('reads per-bucket fields back as cumulative buckets, count and sum in seconds', () => {
    const fields = {
      'duration:0': '2',
      'duration:3': '1',
      [`duration:${JOB_SECONDS_BUCKETS.length}`]: '4',
      'duration:sum-ms': '7500',
    };
    const histogram = readHistogram(fields, 'duration');
    expect(histogram.buckets[0]).toEqual({ le: 0.005, count: 2 });
    expect(histogram.buckets[2]).toEqual({ le: 0.025, count: 2 });
    expect(histogram.buckets[3]).toEqual({ le: 0.05, count: 3 });
    expect(histogram.buckets.at(-1)).toEqual({ le: Infinity, count: 7 });
    expect(histogram).toMatchObject({ count: 7, sum: 7.5 });
  });

  it('reads labelled fields by prefix only', () => {
    const values = readLabelled(
      { 'ended:ERROR': '3', 'submitted:ended': '9', 'ended:': '1' },
      'ended',
    );
    expect([...values]).toEqual([
      ['ERROR', 3],
      ['', 1],
    ]);
  });
});
