import { describe, expect, it } from 'vitest';
import { formatFamilies, histogramFamily } from './exposition';

describe('exposition text (Prometheus 0.0.4)', () => {
  it('escapes label values and help text', () => {
    const text = formatFamilies([
      {
        name: 'm',
        help: 'a\\b\nc',
        type: 'gauge',
        samples: [{ labels: { app: 'x"y\\z\nw' }, value: 1 }],
      },
    ]);
    expect(text).toBe('# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{app="x\\"y\\\\z\\nw"} 1\n');
  });

  it('writes a histogram as _bucket with le (+Inf last), _sum and _count', () => {
    const family = histogramFamily('h', 'help', {
      buckets: [
        { le: 0.5, count: 1 },
        { le: Infinity, count: 2 },
      ],
      count: 2,
      sum: 1.25,
    });
    expect(formatFamilies([family]).split('\n').slice(2, 6)).toEqual([
      'h_bucket{le="0.5"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 1.25',
      'h_count 2',
    ]);
  });
});
