import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { Action, Badge, Message, useMessage, when } from '../components';
import { useEvents } from '../live';
import { go } from '../router';
import { Json, Timeline, type Stage } from './job-parts';

interface Report {
  jobId: string;
  status: string;
  appName: string;
  classPath: string;
  context: string;
  startTime: string;
  duration: string;
  result?: unknown;
  progress?: { fraction: number; done?: number; total?: number; message?: string };
  stages?: Stage[];
  callback?: { url: string; state: string; attempts: number; lastStatus?: number };
  priority?: number;
  retries?: number;
  attempt?: number;
}

const EVENTS = ['queued', 'running', 'progress', 'stage', 'log', 'retry', 'finished', 'error', 'killed'];
const TERMINAL = ['finished', 'error', 'killed'];

/** An ad-hoc context is named `<8 hex>-<classPath>` and dies with its job: run again without it. */
const adHoc = (report: Report) =>
  report.context === `${report.context.slice(0, 8)}-${report.classPath}`;

export function JobPage({ id }: { id: string }) {
  const [report, setReport] = useState<Report | null>(null);
  const [config, setConfig] = useState<unknown>(undefined);
  const [log, setLog] = useState<string[]>([]);
  const { message, fail, act } = useMessage();
  const logBox = useRef<HTMLPreElement>(null);
  // Tail: keep the newest line in view as lines arrive.
  useEffect(() => {
    if (logBox.current) logBox.current.scrollTop = logBox.current.scrollHeight;
  }, [log]);

  const load = () => {
    api<Report>(`/jobs/${enc(id)}`)
      .then(setReport)
      .catch(fail);
    api<{ log: string[] }>(`/jobs/${enc(id)}/logs?size=500`)
      .then((body) => setLog(body.log))
      .catch(fail);
  };
  useEffect(() => {
    load();
    api(`/jobs/${enc(id)}/config`)
      .then(setConfig)
      .catch(fail);
  }, [id]);
  useEvents(`/jobs/${enc(id)}/events`, EVENTS, load, TERMINAL);

  const runAgain = (job: Report) => {
    const query = new URLSearchParams({ appName: job.appName, classPath: job.classPath });
    if (!adHoc(job)) query.set('context', job.context);
    if (job.priority !== undefined && job.priority !== 50) query.set('priority', String(job.priority));
    if (job.retries) query.set('retries', String(job.retries));
    return act(async () => {
      const answer = await api<{ jobId: string }>(`/jobs?${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(config ?? {}),
      });
      go(`/jobs/${answer.jobId}`);
    });
  };
  const kill = () => act(() => api(`/jobs/${enc(id)}`, { method: 'DELETE' })).then(load);

  if (!report) return <p>{message || 'Loading…'}</p>;
  const fraction =
    report.progress?.fraction ?? (report.status === 'OK' || report.status === 'FINISHED' ? 1 : 0);
  const running = report.status === 'RUNNING' || report.status === 'QUEUED';
  return (
    <section>
      <p>
        <a href="#/jobs">← Jobs</a>
      </p>
      <h1 class="mono">{report.jobId}</h1>
      <div class="row">
        <Badge status={report.status} />
        <Action permission="jobs:start" onClick={() => runAgain(report)}>
          Run again
        </Action>
        {running && (
          <Action permission="jobs:delete" danger onClick={kill}>
            Kill
          </Action>
        )}
      </div>
      <Message text={message} />
      <dl class="facts">
        <dt>App</dt>
        <dd>{report.appName}</dd>
        <dt>classPath</dt>
        <dd>{report.classPath}</dd>
        <dt>Context</dt>
        <dd>{report.context}</dd>
        <dt>Started</dt>
        <dd>{when(report.startTime)}</dd>
        <dt>Duration</dt>
        <dd>{report.duration}</dd>
        {report.priority !== undefined && (
          <>
            <dt>Priority</dt>
            <dd>{report.priority}</dd>
          </>
        )}
        {!!report.retries && (
          <>
            <dt>Attempt</dt>
            <dd>
              {report.attempt ?? 1} of {report.retries + 1}
            </dd>
          </>
        )}
        {report.callback && (
          <>
            <dt>Callback</dt>
            <dd>
              {report.callback.state} after {report.callback.attempts} attempt(s)
              {report.callback.lastStatus !== undefined &&
                ` (last HTTP ${report.callback.lastStatus})`}{' '}
              to {report.callback.url}
            </dd>
          </>
        )}
      </dl>
      <h2>Progress</h2>
      <progress max={1} value={fraction} aria-label="progress" />
      <span class="dim">
        {' '}
        {Math.round(fraction * 100)}% {report.progress?.message ?? ''}
      </span>
      {report.stages && (
        <>
          <h2>Stages</h2>
          <Timeline stages={report.stages} />
        </>
      )}
      {'result' in report && (
        <Json
          label={report.status === 'OK' || report.status === 'FINISHED' ? 'Result' : 'Error'}
          value={report.result}
        />
      )}
      {config !== undefined && <Json label="Config" value={config} />}
      <h2>Logs ({log.length})</h2>
      <pre class="logs" aria-label="logs" ref={logBox}>
        {log.join('\n') || 'No log lines yet.'}
      </pre>
    </section>
  );
}
