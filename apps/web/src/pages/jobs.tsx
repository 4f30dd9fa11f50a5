import { useEffect, useState } from 'preact/hooks';
import { api, enc, STATUSES, type JobRow } from '../api';
import { Action, Badge, Message, Table, useMessage, when } from '../components';
import { useEvents } from '../live';

const PAGE = 25;
const SEARCH_DEBOUNCE_MS = 300;
const KILLABLE = new Set(['QUEUED', 'RUNNING']);

/** The search text, settled: it changes once typing pauses for {@link SEARCH_DEBOUNCE_MS}. */
function useDebounced(text: string): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return settled;
}

export function JobsPage() {
  const [status, setStatus] = useState<string>('');
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim());
  /** The `before` of each page shown since the newest: the last is the current page's. */
  const [pages, setPages] = useState<string[]>([]);
  const [rows, setRows] = useState<JobRow[] | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const { message, fail, act, failed } = useMessage();

  const load = () => {
    const search = q ? `&q=${enc(q)}` : '';
    const before = pages.length ? `&before=${enc(pages[pages.length - 1])}` : '';
    api<JobRow[]>(`/jobs?limit=${PAGE}${status && `&status=${status}`}${search}${before}`)
      .then(setRows)
      .catch(fail);
    api<Record<string, number>>(`/jobs/counts${q ? `?q=${enc(q)}` : ''}`)
      .then(setCounts)
      .catch(fail);
  };
  useEffect(load, [status, q, pages]);
  useEffect(() => setPages([]), [status, q]);
  // Two reads per refresh (the page and the counts): at most one refresh a second.
  useEvents('/events', ['job'], load, [], 1000);

  const kill = (id: string) =>
    act(() => api(`/jobs/${enc(id)}`, { method: 'DELETE' }), `Job ${id} killed`).then(load);
  const count = (s: string) => counts[s] ?? '…';
  const all = STATUSES.every((s) => counts[s] !== undefined)
    ? STATUSES.reduce((sum, s) => sum + counts[s], 0)
    : '…';

  return (
    <section>
      <h1>Jobs</h1>
      <input
        type="search"
        class="search"
        placeholder="Search: job id, or app / classPath / context prefix"
        aria-label="Search jobs"
        value={typed}
        onInput={(e) => setTyped(e.currentTarget.value)}
      />
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected={status === ''} onClick={() => setStatus('')}>
          All <span class="count">{all}</span>
        </button>
        {STATUSES.map((s) => (
          <button key={s} role="tab" aria-selected={status === s} onClick={() => setStatus(s)}>
            {s.toLowerCase()} <span class="count">{count(s)}</span>
          </button>
        ))}
      </div>
      <Message text={message} />
      <Table
        failed={failed}
        rows={rows}
        class="jobs"
        head={['Job', 'Status', 'App / classPath', 'Context', 'Started', 'Duration', '']}
        empty={
          <>
            No jobs{status && ` with status ${status}`}
            {q && ` matching “${q}”`}.
          </>
        }
        row={(job) => (
          <tr key={job.jobId} data-job={job.jobId}>
            <td>
              <a href={`#/jobs/${enc(job.jobId)}`} class="mono">
                {job.jobId.slice(0, 8)}
              </a>
            </td>
            <td>
              <Badge status={job.status} />
            </td>
            <td>
              {job.appName} <span class="dim">{job.classPath}</span>
            </td>
            <td class="dim">{job.context}</td>
            <td class="dim">{when(job.startTime)}</td>
            <td>{job.duration}</td>
            <td>
              {KILLABLE.has(job.status) && (
                <Action permission="jobs:delete" danger onClick={() => kill(job.jobId)}>
                  Kill
                </Action>
              )}
            </td>
          </tr>
        )}
      />
      <div class="pager">
        {pages.length > 0 && <button onClick={() => setPages([])}>Newest</button>}
        {pages.length > 0 && <button onClick={() => setPages(pages.slice(0, -1))}>Newer</button>}
        {rows && rows.length >= PAGE && (
          <button onClick={() => setPages([...pages, rows[rows.length - 1].jobId])}>Older</button>
        )}
      </div>
    </section>
  );
}
