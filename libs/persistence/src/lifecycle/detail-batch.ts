import type { JobRetryEvent, JobStreamEvent } from '@jobserver/protocol';
import type { JobStageRecord } from '../entities/job.entity';
import type { DetailBatch } from '../repositories/job.repository';
import type { LogRetention } from './log-retention';

type WithoutHead<E> = E extends unknown ? Omit<E, 'seq' | 'time'> : never;

/** A progress, stage or log event as the job reported it (`time` in ms since the epoch), not numbered yet. */
export type DetailReport = WithoutHead<Exclude<JobStreamEvent, JobRetryEvent>> & { time: number };

/** The batch statement's input for `reports` (in call order), with the log rows to keep and to trim. */
export function toDetailBatch(reports: readonly DetailReport[], retention: LogRetention): DetailBatch {
  const rows: DetailBatch['rows'] = [];
  const stages: JobStageRecord[] = [];
  let progress: DetailBatch['progress'] = null;
  let lastLine = -1;
  for (const report of reports) {
    const { type, time: ms, ...payload } = report;
    const time = new Date(ms).toISOString();
    rows.push({ time, type, line: report.type === 'log' ? report.line : null, payload });
    if (report.type === 'log') lastLine = Math.max(lastLine, report.line);
    else if (report.type === 'progress') progress = payload as DetailBatch['progress'];
    else {
      const open = stages.at(-1);
      if (open) open.endTime = time;
      stages.push({ name: report.name, startTime: time });
    }
  }
  const plan = lastLine >= 0 ? retention.plan(lastLine) : { keepFromLine: 0 };
  return { rows, progress, stages: stages.length ? stages : null, logLines: lastLine + 1, ...plan };
}

/** The batch's events as published: numbered after `base`, `time` as ISO text, fields flat. */
export function numberedEvents(batch: DetailBatch, base: number): JobStreamEvent[] {
  return batch.rows.map((row, i) => ({ seq: base + i + 1, time: row.time, type: row.type, ...row.payload }) as JobStreamEvent);
}

/** Where the batch's first kept log row went (for the next trim), if it kept any. */
export function keptLines(batch: DetailBatch, base: number): { firstSeq: number; lastLine: number } | undefined {
  const first = batch.rows.findIndex((row) => row.type === 'log' && row.line! >= batch.keepFromLine);
  return first < 0 ? undefined : { firstSeq: base + first + 1, lastLine: batch.logLines - 1 };
}
