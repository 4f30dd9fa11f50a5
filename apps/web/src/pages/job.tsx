import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc, errorText } from '../api';
import { useEvents } from '../live';
import { go } from '../router';

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
  stages?: Array<{ name: string; startTime: string; duration: string }>;
  callback?: { url: string; state: string; attempts: number; lastStatus?: number };
}

const EVENTS = ['queued', 'running', 'progress', 'stage', 'log', 'finished', 'error', 'killed'];
const TERMINAL = ['finished', 'error', 'killed'];

/** An ad-hoc context is named `<8 hex>-<classPath>` and dies with its job: run again without it. */
const adHoc = (report: Report) =>
  report.context === `${report.context.slice(0, 8)}-${report.classPath}`;

function Json({ value, label }: { value: unknown; label: string }) {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const [copied, setCopied] = useState('');
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setCopied('Copied'),
      () => setCopied('Copy refused by the browser'),
    );
  return (
    <div class="json">
      <div class="row">
        <h2>{label}</h2>
        <button onClick={copy}>Copy</button>
        <span class="dim" role="status">
          {copied}
        </span>
      </div>
      <pre>{text}</pre>
    </div>
  );
}

export function JobPage({ id }: { id: string }) {
  const [report, setReport] = useState<Report | null>(null);
  const [config, setConfig] = useState<unknown>(undefined);
  const [log, setLog] = useState<string[]>([]);
  const [message, setMessage] = useState('');
  const logBox = useRef<HTMLPreElement>(null);
  // Tail: keep the newest line in view as lines arrive.
  useEffect(() => {
    if (logBox.current) logBox.current.scrollTop = logBox.current.scrollHeight;
  }, [log]);

  const load = () => {
    api<Report>(`/jobs/${enc(id)}`)
      .then(setReport)
      .catch((e) => setMessage(errorText(e)));
    api<{ log: string[] }>(`/jobs/${enc(id)}/logs?size=500`)
      .then((body) => setLog(body.log))
      .catch((e) => setMessage(errorText(e)));
  };
  useEffect(() => {
    load();
    api(`/jobs/${enc(id)}/config`)
      .then(setConfig)
      .catch((e) => setMessage(errorText(e)));
  }, [id]);
  useEvents(`/jobs/${enc(id)}/events`, EVENTS, load, TERMINAL);

  const runAgain = async () => {
    if (!report) return;
    const query = new URLSearchParams({ appName: report.appName, classPath: report.classPath });
    if (!adHoc(report)) query.set('context', report.context);
    try {
      const answer = await api<{ jobId: string }>(`/jobs?${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(config ?? {}),
      });
      go(`/jobs/${answer.jobId}`);
    } catch (e) {
      setMessage(errorText(e));
    }
  };
  const kill = () =>
    api(`/jobs/${enc(id)}`, { method: 'DELETE' }).then(load, (e) => setMessage(errorText(e)));

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
        <span class={`badge ${report.status}`}>{report.status}</span>
        <button onClick={runAgain}>Run again</button>
        {running && (
          <button class="danger" onClick={kill}>
            Kill
          </button>
        )}
      </div>
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      <dl class="facts">
        <dt>App</dt>
        <dd>{report.appName}</dd>
        <dt>classPath</dt>
        <dd>{report.classPath}</dd>
        <dt>Context</dt>
        <dd>{report.context}</dd>
        <dt>Started</dt>
        <dd>{new Date(report.startTime).toLocaleString()}</dd>
        <dt>Duration</dt>
        <dd>{report.duration}</dd>
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
        <ol class="stages">
          {report.stages.map((s) => (
            <li key={s.name + s.startTime}>
              <b>{s.name}</b> <span class="dim">{s.duration}</span>
            </li>
          ))}
        </ol>
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
