import type { ApiCompat } from '@jobserver/config';
import type { JobRecord, JobStageRecord, JobSummary } from '@jobserver/persistence';
import { errorInfo, killedError, type JobProgress } from '@jobserver/protocol';

export const NOT_DONE = 'Job not done yet';

/** `"<seconds, up to 3 decimals> secs"` or `Job not done yet`. */
export function formatDuration(start: Date | null, end: Date | null): string {
  if (!start || !end) return NOT_DONE;
  return `${Number(((end.getTime() - start.getTime()) / 1000).toFixed(3))} secs`;
}

/** The report fields shared by lists and single-job answers (API.md's list shape, exactly). */
export function toJobSummary(job: JobSummary): Record<string, unknown> {
  return {
    jobId: job.id,
    status: job.status,
    classPath: job.classPath,
    appName: job.appName,
    context: job.contextName,
    startTime: (job.startTime ?? job.createdAt).toISOString(),
    duration: formatDuration(job.startTime, job.endTime),
  };
}

/**
 * A summary with `submitTime` too (beyond API.md: when the job was recorded, so that a client can
 * tell its queue wait): single-job reports, and lists asked with `include=submitTime`.
 */
export function toJobSummaryWithSubmit(job: JobSummary): Record<string, unknown> {
  return { ...toJobSummary(job), submitTime: job.createdAt.toISOString() };
}

/** `GET /jobs/<id>`: the report with the status label and result of API.md. */
export function toJobReport(job: JobRecord, compat: ApiCompat): Record<string, unknown> {
  const report = toJobSummaryWithSubmit(job);
  report.owner = job.owner ?? null;
  report.priority = job.priority;
  report.retries = job.retries;
  report.attempt = job.attempt;
  const progress = progressOf(job);
  if (progress) report.progress = progress;
  if (job.stages?.length) report.stages = stagesOf(job.stages, job.endTime);
  if (job.callbackUrl !== null) {
    report.callback = { url: job.callbackUrl, state: job.callbackState, attempts: job.callbackAttempts, lastStatus: job.callbackLastStatus };
  }
  switch (job.status) {
    case 'FINISHED':
      report.status = compat === 'mainline' ? 'FINISHED' : 'OK';
      if (job.result !== null) report.result = JSON.parse(job.result);
      break;
    case 'ERROR':
      report.result = job.error ?? errorInfo('Error', 'job failed');
      break;
    case 'KILLED':
      report.result = job.error ?? killedError(job.id);
      break;
  }
  return report;
}

/** The latest progress; a finished job's fraction is 1 (API.md), whether it reported progress or not. */
function progressOf(job: JobRecord): JobProgress | undefined {
  if (job.status === 'FINISHED') return { ...job.progress, fraction: 1 };
  return job.progress ?? undefined;
}

/** Stages with their durations: each ends when the next began, the last one with the job. */
function stagesOf(stages: JobStageRecord[], jobEnd: Date | null): Array<Record<string, string>> {
  return stages.map((stage, i) => {
    const end = stage.endTime ?? stages[i + 1]?.startTime;
    return {
      name: stage.name,
      startTime: stage.startTime,
      duration: formatDuration(new Date(stage.startTime), end ? new Date(end) : jobEnd),
    };
  });
}
