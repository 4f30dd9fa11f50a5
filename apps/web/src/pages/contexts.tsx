import { useEffect, useState } from 'preact/hooks';
import { api, apiText, enc, type JobRow } from '../api';
import { Action, Badge, bytes, Guarded, Message, Table, useMessage, when } from '../components';
import { useEvents } from '../live';
import { memoryByContext, type ContextMemory } from '../metrics';
import { useAuthOn, useCan } from '../session';
import { ContextObjects } from './context-objects';

interface Context {
  name: string;
  state: string;
  startTime: string;
  adHoc: boolean;
  settings: Record<string, unknown>;
  runningJobs: number;
  owner?: string | null;
}

/** Workers report memory every heartbeat (1 s); the page re-reads it this often. */
const MEMORY_REFRESH_MS = 5000;

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

/** Each context's worker memory from GET /metrics, re-read every few seconds (needs metrics:read). */
function useMemory(allowed: boolean): Record<string, ContextMemory> {
  const [memory, setMemory] = useState<Record<string, ContextMemory>>({});
  useEffect(() => {
    if (!allowed) return;
    const read = () =>
      apiText('/metrics').then(
        (text) => setMemory(memoryByContext(text)),
        () => setMemory({}),
      );
    void read();
    const timer = setInterval(read, MEMORY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [allowed]);
  return memory;
}

/** RSS, and the executor's heap below it; a dash before the first heartbeat (or without metrics:read). */
function Memory({ memory }: { memory: ContextMemory | undefined }) {
  if (memory?.rss === undefined) return <>–</>;
  return (
    <>
      {bytes(memory.rss)}
      {memory.heap !== undefined && <div class="dim small">heap {bytes(memory.heap)}</div>}
    </>
  );
}

export function ContextsPage() {
  const can = useCan();
  const authOn = useAuthOn();
  const [contexts, setContexts] = useState<Context[] | null>(null);
  const { message, setMessage, fail, act, failed } = useMessage();
  const [name, setName] = useState('');
  const [settings, setSettings] = useState('num-cpu-cores=2\nmem-per-node=512m');
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<Record<string, number>>({});
  const memory = useMemory(can('metrics:read'));
  const [shown, setShown] = useState<string | null>(null);

  const readsJobs = can('jobs:read');
  const load = () => {
    // Queued jobs per context: from the queued list (GET /contexts/<name> counts only running ones).
    if (readsJobs)
      api<JobRow[]>('/jobs?status=QUEUED&limit=1000')
        .then((jobs) => {
          const byContext: Record<string, number> = {};
          for (const job of jobs) byContext[job.context] = (byContext[job.context] ?? 0) + 1;
          setQueued(byContext);
        })
        .catch(fail);
    return api<string[]>('/contexts')
      .then((names) =>
        Promise.all(names.map((n) => api<Context>(`/contexts/${enc(n)}`).catch(() => null))),
      )
      .then((list) => setContexts(list.filter((c): c is Context => c !== null)))
      .catch(fail);
  };
  useEffect(() => void load(), []);
  // GET /events needs jobs:read; without it the page shows what it read when it opened.
  useEvents(readsJobs ? '/events' : null, ['context', 'job'], load, [], 1000);

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(`Starting ${name}…`);
    await act(async () => {
      await api(`/contexts/${enc(name)}${settingsQuery(settings)}`, { method: 'POST' });
      setName('');
    }, `Context ${name} started`);
    setBusy(false);
    void load();
  };
  const stop = (context: string, force: boolean) =>
    act(
      () => api(`/contexts/${enc(context)}${force ? '?force=true' : ''}`, { method: 'DELETE' }),
      `Context ${context} stopped`,
    ).then(load);

  const head = ['Name', 'State', 'Running', 'Queued', 'Memory', 'Settings', 'Started'];
  return (
    <section>
      <h1>Contexts</h1>
      <form class="card" onSubmit={create}>
        <h2>New context</h2>
        <Guarded permission="contexts:start">
          <label>
            Name
            <input value={name} required onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            <span>
              Settings (one <code>key=value</code> a line)
            </span>
            <textarea
              rows={3}
              value={settings}
              onInput={(e) => setSettings(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            Create
          </button>
        </Guarded>
      </form>
      <Message text={message} />
      <Table
        failed={failed}
        rows={contexts}
        head={authOn ? [...head, 'Owner', ''] : [...head, '']}
        empty="No live contexts."
        row={(c) => (
          <tr key={c.name} data-context={c.name}>
            <td>
              <span class="nowrap">{c.name}</span> {c.adHoc && <span class="dim">(ad hoc)</span>}
            </td>
            <td>
              <Badge status={c.state} />
            </td>
            <td data-running>{c.runningJobs}</td>
            <td>{readsJobs ? (queued[c.name] ?? 0) : '–'}</td>
            <td
              data-memory
              class="nowrap"
              title={can('metrics:read') ? undefined : 'needs metrics:read'}
            >
              <Memory memory={memory[c.name]} />
            </td>
            <td class="mono small">{JSON.stringify(c.settings)}</td>
            <td class="dim">{when(c.startTime)}</td>
            {authOn && <td>{c.owner ?? '–'}</td>}
            <td class="actions">
              <Action permission="contexts:read" onClick={() => setShown(c.name)}>
                Objects
              </Action>
              <Action permission="contexts:delete" onClick={() => stop(c.name, false)}>
                Stop
              </Action>
              <Action permission="contexts:delete" danger onClick={() => stop(c.name, true)}>
                Force stop
              </Action>
            </td>
          </tr>
        )}
      />
      {shown && contexts?.some((c) => c.name === shown) && <ContextObjects context={shown} onClose={() => setShown(null)} />}
    </section>
  );
}
