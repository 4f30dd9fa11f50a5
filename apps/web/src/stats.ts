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

/** One job's place in time (ms) and a value measured of it (seconds). */
export interface Sample {
  at: number;
  value: number;
}

/** An ended job's duration, placed at the minute it ended. */
export function durationSample(job: JobRow): Sample | undefined {
  const took = seconds(job.duration);
  if (!(ENDED as readonly string[]).includes(job.status) || Number.isNaN(took)) return undefined;
  return { at: Date.parse(job.startTime) + took * 1000, value: took };
}

/** A started job's queue wait (submit to start), placed at the minute it started. */
export function queueWaitSample(job: JobRow): Sample | undefined {
  if (job.status === 'QUEUED' || !job.submitTime) return undefined;
  const start = Date.parse(job.startTime);
  const wait = (start - Date.parse(job.submitTime)) / 1000;
  return Number.isFinite(wait) ? { at: start, value: Math.max(0, wait) } : undefined;
}

/** The samples of `jobs` that fall within the last hour before `now`. */
export function lastHour(
  jobs: JobRow[],
  now: number,
  sample: (job: JobRow) => Sample | undefined,
): Sample[] {
  const start = Math.floor(now / MINUTE) * MINUTE - 59 * MINUTE;
  return jobs
    .map(sample)
    .filter((s): s is Sample => s !== undefined && s.at >= start && s.at < start + 60 * MINUTE);
}

/**
 * p50 and p99 per minute over the last hour: [minute starts (s), p50s, p99s], null for a minute
 * without samples (a gap in the chart).
 */
export function percentilesPerMinute(samples: Sample[], now: number): Array<Array<number | null>> {
  const start = Math.floor(now / MINUTE) * MINUTE - 59 * MINUTE;
  const slots: number[][] = Array.from({ length: 60 }, () => []);
  for (const { at, value } of samples) {
    const slot = Math.floor((at - start) / MINUTE);
    if (slot >= 0 && slot < 60) slots[slot].push(value);
  }
  const xs = slots.map((_, i) => (start + i * MINUTE) / 1000);
  const at = (p: number) => slots.map((values) => percentile(values, p) ?? null);
  return [xs, at(50), at(99)];
}
