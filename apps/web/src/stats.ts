import type { JobRow } from './api';

const MINUTE = 60_000;
export const ENDED = ['FINISHED', 'ERROR', 'KILLED'] as const;

/** `"0.123 secs"` → 0.123; `"Job not done yet"` → NaN. */
export const seconds = (duration: string) => Number.parseFloat(duration);

/** Jobs ended per minute over the last hour, by status: [minute starts (s), counts per status…]. */
export function endedPerMinute(jobs: JobRow[], now: number): number[][] {
  const start = Math.floor(now / MINUTE) * MINUTE - 59 * MINUTE;
  const xs = Array.from({ length: 60 }, (_, i) => (start + i * MINUTE) / 1000);
  const series = ENDED.map((status) => {
    const counts = new Array<number>(60).fill(0);
    for (const job of jobs) {
      if (job.status !== status || Number.isNaN(seconds(job.duration))) continue;
      const end = Date.parse(job.startTime) + seconds(job.duration) * 1000;
      const slot = Math.floor((end - start) / MINUTE);
      if (slot >= 0 && slot < 60) counts[slot]++;
    }
    return counts;
  });
  return [xs, ...series];
}

/** The nearest-rank percentile `p` (0…100) of `values`; undefined when there are none. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
