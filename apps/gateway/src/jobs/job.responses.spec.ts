import type { JobRecord } from '@jobserver/persistence';
import { describe, expect, it } from 'vitest';
import { toJobReport, toJobSummary, toJobSummaryWithSubmit } from './job.responses';

const t = (s: number) => new Date(Date.UTC(2026, 11, 2, 5) + s * 1000);

function job(fields: Partial<JobRecord>): JobRecord {
  return {
    id: '5453779a-0000-4000-8000-000000000000',
    appName: 'app',
    bundleSha: 'a'.repeat(64),
    classPath: 'x.Y',
    contextName: 'c',
    adHoc: false,
    status: 'RUNNING',
    config: '{}',
    result: null,
    error: null,
    createdAt: t(0),
    startTime: t(1),
    endTime: null,
    owner: null,
    eventSeq: 2,
    progress: null,
    stages: null,
    logLines: 0,
    ...fields,
  };
}

describe('toJobReport: progress and stages', () => {
  it('has neither before the job reports them', () => {
    const report = toJobReport(job({}), 'seed');
    expect(report).not.toHaveProperty('progress');
    expect(report).not.toHaveProperty('stages');
  });

  it('shows the latest progress of a running job and its stages, the last one not done yet', () => {
    const report = toJobReport(
      job({
        progress: { fraction: 0.5, done: 5, total: 10, message: 'half' },
        stages: [
          { name: 'load', startTime: t(1).toISOString() },
          { name: 'count', startTime: t(3.5).toISOString() },
        ],
      }),
      'seed',
    );
    expect(report.progress).toEqual({ fraction: 0.5, done: 5, total: 10, message: 'half' });
    expect(report.stages).toEqual([
      { name: 'load', startTime: t(1).toISOString(), duration: '2.5 secs' },
      { name: 'count', startTime: t(3.5).toISOString(), duration: 'Job not done yet' },
    ]);
  });

  it('gives a finished job the fraction 1, reported or not, and ends its last stage with the job', () => {
    const stages = [{ name: 'only', startTime: t(2).toISOString() }];
    const finished = toJobReport(job({ status: 'FINISHED', endTime: t(7), progress: { fraction: 0.9, message: 'm' }, stages }), 'seed');
    expect(finished.progress).toEqual({ fraction: 1, message: 'm' });
    expect(finished.stages).toEqual([{ name: 'only', startTime: t(2).toISOString(), duration: '5 secs' }]);
    expect(toJobReport(job({ status: 'FINISHED', endTime: t(7) }), 'mainline').progress).toEqual({ fraction: 1 });
  });

  it('keeps a failed job at the progress it reached', () => {
    const report = toJobReport(job({ status: 'ERROR', endTime: t(3), progress: { fraction: 0.3 } }), 'seed');
    expect(report.progress).toEqual({ fraction: 0.3 });
  });
});

describe('toJobSummary: submit and start times', () => {
  it("keeps API.md's list shape exactly", () => {
    const summary = toJobSummary(job({ createdAt: t(0), startTime: t(2.5) }));
    expect(Object.keys(summary).sort()).toEqual(['appName', 'classPath', 'context', 'duration', 'jobId', 'startTime', 'status']);
  });

  it('gives the submit time beside the start time when asked, so that the queue wait shows', () => {
    const summary = toJobSummaryWithSubmit(job({ createdAt: t(0), startTime: t(2.5) }));
    expect(summary).toMatchObject({ submitTime: t(0).toISOString(), startTime: t(2.5).toISOString() });
  });

  it('starts a queued job at its submit time until it runs', () => {
    const summary = toJobSummaryWithSubmit(job({ status: 'QUEUED', createdAt: t(4), startTime: null }));
    expect(summary).toMatchObject({ submitTime: t(4).toISOString(), startTime: t(4).toISOString(), duration: 'Job not done yet' });
  });
});
