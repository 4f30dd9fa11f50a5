/**
 * The cluster-wide metric counters kept in one Redis hash (RedisNames.metricsKey): each process
 * that records a fact increments its fields once (HINCRBY, pipelined with the event it publishes
 * anyway); any gateway reads the whole hash at scrape. Histograms keep one field per bucket
 * (not cumulative: an observation adds 1 to the one bucket it falls in) and a sum in ms.
 */

/** Upper bounds in seconds of the job duration and queue wait histograms (then +Inf). */
export const JOB_SECONDS_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800,
];

/** A hash field and how much to add to it. */
export type CounterIncrement = readonly [field: string, by: number];

/** The histograms kept in the hash, by field prefix. */
export type JobHistogram = 'duration' | 'wait';

/** Field of a submitted job's app. */
export const submittedField = (app: string): string => `submitted:${app}`;
/** Field of an ended job's status. */
export const endedField = (status: string): string => `ended:${status}`;
/** Field of an executor thread replaced after it died. */
export const EXECUTOR_RESTARTS_FIELD = 'executor-restarts';
/** Field of a callback delivery attempt's outcome. */
export const callbackField = (outcome: string): string => `callback:${outcome}`;

/** The index of the bucket `seconds` falls in (JOB_SECONDS_BUCKETS.length for +Inf). */
export function bucketIndex(seconds: number): number {
  const index = JOB_SECONDS_BUCKETS.findIndex((bound) => seconds <= bound);
  return index < 0 ? JOB_SECONDS_BUCKETS.length : index;
}

/** The increments of one observation of a histogram: its bucket and its sum (ms, integer for HINCRBY). */
export function observation(histogram: JobHistogram, ms: number): CounterIncrement[] {
  const clamped = Math.max(0, Math.round(ms));
  return [
    [`${histogram}:${bucketIndex(clamped / 1000)}`, 1],
    [`${histogram}:sum-ms`, clamped],
  ];
}

/** The increments of a job's end: its status, its run time and its time in the queue. */
export function endIncrements(
  status: string,
  times: { createdAt: Date; startTime: Date; endTime: Date },
): CounterIncrement[] {
  return [
    [endedField(status), 1],
    ...observation('duration', times.endTime.getTime() - times.startTime.getTime()),
    ...observation('wait', times.startTime.getTime() - times.createdAt.getTime()),
  ];
}

/** A histogram read back from the hash: cumulative counts per bound (then +Inf), count and sum in seconds. */
export interface HistogramValues {
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

/** Reads a histogram out of the hash's fields (HGETALL), cumulative as Prometheus wants it. */
export function readHistogram(
  fields: Record<string, string>,
  histogram: JobHistogram,
): HistogramValues {
  let count = 0;
  const buckets = [...JOB_SECONDS_BUCKETS, Infinity].map((le, index) => {
    count += Number(fields[`${histogram}:${index}`] ?? 0);
    return { le, count };
  });
  return { buckets, count, sum: Number(fields[`${histogram}:sum-ms`] ?? 0) / 1000 };
}

/** The fields under `prefix:` with their counts (e.g. every `ended:<status>`), keyed by what follows. */
export function readLabelled(fields: Record<string, string>, prefix: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith(`${prefix}:`)) values.set(field.slice(prefix.length + 1), Number(value));
  }
  return values;
}

/** The increments of several facts, each field once with its sum (one HINCRBY each). */
export function sumIncrements(increments: Iterable<CounterIncrement>): CounterIncrement[] {
  const sums = new Map<string, number>();
  for (const [field, by] of increments) sums.set(field, (sums.get(field) ?? 0) + by);
  return [...sums];
}
