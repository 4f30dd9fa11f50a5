import { useEffect, useState } from 'preact/hooks';
import { api, enc, errorText, type JobRow } from '../api';
import { useEvents } from '../live';

interface Context {
  name: string;
  state: string;
  startTime: string;
  adHoc: boolean;
  settings: Record<string, unknown>;
  runningJobs: number;
}

/** `key=value` lines (or `&`-separated) → query parameters of POST /contexts/<name>. */
function settingsQuery(text: string): string {
  const query = new URLSearchParams();
  for (const line of text.split(/[\n&]/)) {
    const at = line.indexOf('=');
    if (line.trim() && at > 0) query.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const s = query.toString();
  return s ? `?${s}` : '';
}

export function ContextsPage() {
  const [contexts, setContexts] = useState<Context[] | null>(null);
  const [message, setMessage] = useState('');
  const [name, setName] = useState('');
  const [settings, setSettings] = useState('num-cpu-cores=2\nmem-per-node=512m');
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<Record<string, number>>({});

  const load = () => {
    // Queued jobs per context: from the queued list (GET /contexts/<name> counts only running ones).
    api<JobRow[]>('/jobs?status=QUEUED&limit=1000')
      .then((jobs) => {
        const byContext: Record<string, number> = {};
        for (const job of jobs) byContext[job.context] = (byContext[job.context] ?? 0) + 1;
        setQueued(byContext);
      })
      .catch((e) => setMessage(errorText(e)));
    return api<string[]>('/contexts')
      .then((names) =>
        Promise.all(names.map((n) => api<Context>(`/contexts/${enc(n)}`).catch(() => null))),
      )
      .then((list) => setContexts(list.filter((c): c is Context => c !== null)))
      .catch((e) => setMessage(errorText(e)));
  };
  useEffect(() => void load(), []);
  useEvents('/events', ['context', 'job'], load, [], 1000);

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(`Starting ${name}…`);
    try {
      await api(`/contexts/${enc(name)}${settingsQuery(settings)}`, { method: 'POST' });
      setMessage(`Context ${name} started`);
      setName('');
    } catch (e) {
      setMessage(errorText(e));
    }
    setBusy(false);
    void load();
  };
  const stop = async (context: string, force: boolean) => {
    try {
      await api(`/contexts/${enc(context)}${force ? '?force=true' : ''}`, { method: 'DELETE' });
      setMessage(`Context ${context} stopped`);
    } catch (e) {
      setMessage(errorText(e));
    }
    void load();
  };

  return (
    <section>
      <h1>Contexts</h1>
      <form class="card" onSubmit={create}>
        <h2>New context</h2>
        <label>
          Name
          <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          <span>
            Settings (one <code>key=value</code> a line)
          </span>
          <textarea rows={3} value={settings} onInput={(e) => setSettings(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Create
        </button>
      </form>
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      {contexts === null ? (
        <p>Loading…</p>
      ) : contexts.length === 0 ? (
        <p class="empty">No live contexts.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Running</th>
                <th>Queued</th>
                <th>Settings</th>
                <th>Started</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {contexts.map((c) => (
                <tr key={c.name} data-context={c.name}>
                  <td>
                    {c.name} {c.adHoc && <span class="dim">(ad hoc)</span>}
                  </td>
                  <td>
                    <span class={`badge ${c.state}`}>{c.state}</span>
                  </td>
                  <td data-running>{c.runningJobs}</td>
                  <td>{queued[c.name] ?? 0}</td>
                  <td class="mono small">{JSON.stringify(c.settings)}</td>
                  <td class="dim">{new Date(c.startTime).toLocaleString()}</td>
                  <td class="actions">
                    <button onClick={() => stop(c.name, false)}>Stop</button>
                    <button class="danger" onClick={() => stop(c.name, true)}>
                      Force stop
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
