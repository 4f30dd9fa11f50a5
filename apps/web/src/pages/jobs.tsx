import { useEffect, useState } from 'preact/hooks';
import { api, enc, errorText, STATUSES, type JobRow } from '../api';
import { useEvents } from '../live';

const PAGE = 25;
/** Counts are computed from `GET /jobs?status=…&limit=COUNT_CAP`: the API has no count route. */
const COUNT_CAP = 1000;
const KILLABLE = new Set(['QUEUED', 'RUNNING']);

export function JobsPage() {
  const [status, setStatus] = useState<string>('');
  const [limit, setLimit] = useState(PAGE);
  const [rows, setRows] = useState<JobRow[] | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [message, setMessage] = useState('');

  const load = () => {
    const filter = status ? `&status=${status}` : '';
    api<JobRow[]>(`/jobs?limit=${limit}${filter}`)
      .then(setRows)
      .catch((e) => setMessage(errorText(e)));
    Promise.all(STATUSES.map((s) => api<JobRow[]>(`/jobs?status=${s}&limit=${COUNT_CAP}`)))
      .then((lists) => setCounts(Object.fromEntries(STATUSES.map((s, i) => [s, lists[i].length]))))
      .catch((e) => setMessage(errorText(e)));
  };
  useEffect(load, [status, limit]);
  // Six reads per refresh (the list and five counts): at most one refresh a second.
  useEvents('/events', ['job'], load, [], 1000);

  const kill = async (id: string) => {
    try {
      await api(`/jobs/${enc(id)}`, { method: 'DELETE' });
      setMessage(`Job ${id} killed`);
      load();
    } catch (e) {
      setMessage(errorText(e));
    }
  };
  const count = (s: string) =>
    counts[s] === undefined ? '…' : counts[s] >= COUNT_CAP ? `${COUNT_CAP}+` : counts[s];

  return (
    <section>
      <h1>Jobs</h1>
      <div class="tabs" role="tablist">
        <button
          role="tab"
          aria-selected={status === ''}
          onClick={() => (setStatus(''), setLimit(PAGE))}
        >
          All
        </button>
        {STATUSES.map((s) => (
          <button
            key={s}
            role="tab"
            aria-selected={status === s}
            onClick={() => (setStatus(s), setLimit(PAGE))}
          >
            {s.toLowerCase()} <span class="count">{count(s)}</span>
          </button>
        ))}
      </div>
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      {rows === null ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p class="empty">No jobs{status && ` with status ${status}`}.</p>
      ) : (
        <div class="scroll">
          <table class="jobs">
            <thead>
              <tr>
                <th>Job</th>
                <th>Status</th>
                <th>App / classPath</th>
                <th>Context</th>
                <th>Started</th>
                <th>Duration</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <tr key={job.jobId} data-job={job.jobId}>
                  <td>
                    <a href={`#/jobs/${enc(job.jobId)}`} class="mono">
                      {job.jobId.slice(0, 8)}
                    </a>
                  </td>
                  <td>
                    <span class={`badge ${job.status}`}>{job.status}</span>
                  </td>
                  <td>
                    {job.appName} <span class="dim">{job.classPath}</span>
                  </td>
                  <td class="dim">{job.context}</td>
                  <td class="dim">{new Date(job.startTime).toLocaleString()}</td>
                  <td>{job.duration}</td>
                  <td>
                    {KILLABLE.has(job.status) && (
                      <button class="danger" onClick={() => kill(job.jobId)}>
                        Kill
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows && rows.length >= limit && (
        <button onClick={() => setLimit(limit + PAGE)}>Show {PAGE} more</button>
      )}
    </section>
  );
}
