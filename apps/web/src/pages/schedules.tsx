import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { Action, Badge, Guarded, Message, Table, useMessage, when } from '../components';

/** A schedule (`GET /schedules`, and `GET /schedules/<name>` with its last jobs). */
interface Schedule {
  name: string;
  appName: string;
  classPath: string;
  context: string | null;
  cron: string | null;
  every: string | null;
  timezone: string | null;
  priority: number;
  missed: string;
  paused: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastJobs?: Array<{ tick: string; jobId: string | null; status: string | null; error: string | null }>;
}

const whenText = (s: Schedule) =>
  s.cron ? `cron ${s.cron}${s.timezone && s.timezone !== 'UTC' ? ` (${s.timezone})` : ''}` : `every ${s.every}`;

/** How often the page re-reads the schedules (their next and last ticks move on their own). */
const REFRESH_MS = 2000;

export function SchedulesPage() {
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [open, setOpen] = useState<Schedule | null>(null);
  const { message, setMessage, fail, act, failed } = useMessage();
  const [form, setForm] = useState({ name: '', appName: '', classPath: '', context: '', when: 'every 1m', config: '{}' });
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onInput: (e: { currentTarget: { value: string } }) => setForm({ ...form, [key]: e.currentTarget.value }),
  });

  /** The schedule whose ticks are shown, read by the periodic refresh (never a stale one). */
  const openName = useRef<string | null>(null);
  openName.current = open?.name ?? null;

  const load = () => {
    api<Schedule[]>('/schedules').then(setSchedules).catch(fail);
    const name = openName.current;
    if (name)
      api<Schedule>(`/schedules/${enc(name)}`)
        .then((s) => openName.current === s.name && setOpen(s))
        .catch(() => setOpen(null));
  };
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    const timing = /^\s*every\s+/i.test(form.when) ? { every: form.when.replace(/^\s*every\s+/i, '').trim() } : { cron: form.when.trim() };
    await act(async () => {
      let config: unknown;
      try {
        config = JSON.parse(form.config || '{}');
      } catch (error) {
        throw new Error(`Config is not JSON: ${(error as Error).message}`);
      }
      const body = { appName: form.appName, classPath: form.classPath, ...(form.context ? { context: form.context } : {}), ...timing, config };
      await api(`/schedules/${enc(form.name)}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      setMessage(`Schedule ${form.name} created`);
      setForm({ ...form, name: '' });
    });
    load();
  };
  const post = (name: string, verb: 'pause' | 'resume') =>
    act(() => api(`/schedules/${enc(name)}/${verb}`, { method: 'POST' }), `Schedule ${name} ${verb === 'pause' ? 'paused' : 'resumed'}`).then(load);
  const remove = (name: string) => {
    // Closed first: its periodic re-read must not ask for a schedule that is gone.
    if (openName.current === name) {
      openName.current = null;
      setOpen(null);
    }
    return act(() => api(`/schedules/${enc(name)}`, { method: 'DELETE' }), `Schedule ${name} deleted`).then(load);
  };
  const show = (name: string) =>
    act(async () => {
      const s = await api<Schedule>(`/schedules/${enc(name)}`);
      openName.current = s.name;
      setOpen(s);
    });

  return (
    <section>
      <h1>Schedules</h1>
      <form class="card" onSubmit={create}>
        <h2>New schedule</h2>
        <Guarded permission="jobs:start">
          <label>
            Name
            <input required {...field('name')} />
          </label>
          <label>
            App
            <input required {...field('appName')} />
          </label>
          <label>
            Class path
            <input required {...field('classPath')} />
          </label>
          <label>
            Context (empty: an ad-hoc one per job)
            <input {...field('context')} />
          </label>
          <label>
            <span>
              When: <code>every 30s</code> or a five-field cron such as <code>*/5 * * * *</code> (UTC)
            </span>
            <input required {...field('when')} />
          </label>
          <label>
            Config (JSON)
            <textarea rows={2} {...field('config')} />
          </label>
          <button type="submit">Create</button>
        </Guarded>
      </form>
      <Message text={message} />
      <Table
        failed={failed}
        rows={schedules}
        head={['Name', 'When', 'Job', 'Context', 'Next', 'Last', '']}
        empty="No schedules."
        row={(s) => (
          <tr key={s.name} data-schedule={s.name}>
            <td class="nowrap">{s.name}</td>
            <td class="mono small">{whenText(s)}</td>
            <td>
              {s.appName} <span class="dim">{s.classPath}</span>
            </td>
            <td>{s.context ?? <span class="dim">ad hoc</span>}</td>
            <td class="nowrap" data-next>
              {s.paused ? <Badge status="PAUSED" /> : s.nextRunAt && when(s.nextRunAt)}
            </td>
            <td class="dim nowrap">{s.lastRunAt ? when(s.lastRunAt) : '–'}</td>
            <td class="actions">
              <button type="button" onClick={() => show(s.name)}>
                Runs
              </button>
              <Action permission="jobs:start" onClick={() => post(s.name, s.paused ? 'resume' : 'pause')}>
                {s.paused ? 'Resume' : 'Pause'}
              </Action>
              <Action permission="jobs:start" danger onClick={() => remove(s.name)}>
                Delete
              </Action>
            </td>
          </tr>
        )}
      />
      {open && (
        <div class="card" data-runs={open.name}>
          <h2>
            Last ticks of {open.name}{' '}
            <button type="button" onClick={() => setOpen(null)}>
              Close
            </button>
          </h2>
          <Table
            rows={open.lastJobs ?? []}
            head={['Tick', 'Job', 'Status']}
            empty="No ticks yet."
            row={(run) => (
              <tr key={run.tick}>
                <td class="nowrap">{when(run.tick)}</td>
                <td class="mono small">{run.jobId ? <a href={`#/jobs/${run.jobId}`}>{run.jobId}</a> : '–'}</td>
                <td>{run.status ? <Badge status={run.status} /> : <span class="dim">{run.error}</span>}</td>
              </tr>
            )}
          />
        </div>
      )}
    </section>
  );
}
