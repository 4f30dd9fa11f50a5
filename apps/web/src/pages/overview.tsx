import { useEffect, useState } from 'preact/hooks';
import { api, enc, STATUSES, type JobRow } from '../api';
import { Chart } from '../chart';
import { Message, useMessage } from '../components';
import { useEvents } from '../live';
import { useCan } from '../session';
import {
  durationSample,
  ENDED,
  endedPerMinute,
  lastHour,
  percentile,
  percentilesPerMinute,
  queueWaitSample,
  type Sample,
} from '../stats';
import { Processes, type ProcessStatus } from './processes';

/** The history the charts read: the newest jobs of `GET /jobs` (the API has no aggregate route). */
const HISTORY = 1000;
/** Heartbeats and uptimes move without events: the processes are re-read this often. */
const STATUS_REFRESH_MS = 5000;
const COLORS: Record<string, string> = { FINISHED: '#17653a', ERROR: '#b42318', KILLED: '#5b2c91' };
const PERCENTILES = [
  { label: 'p50', color: '#2857c5' },
  { label: 'p99', color: '#c2410c' },
];
const fmt = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(3)} s`);

function Tile({ id, label, value }: { id: string; label: string; value: string | number }) {
  return (
    <div data-tile={id}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** The cluster's processes (GET /status), re-read every few seconds; null until read or when not allowed. */
function useProcesses(allowed: boolean, fail: (e: unknown) => void) {
  const [processes, setProcesses] = useState<ProcessStatus[] | null>(null);
  useEffect(() => {
    if (!allowed) return;
    const read = () =>
      api<{ processes: ProcessStatus[] }>('/status').then((s) => setProcesses(s.processes), fail);
    void read();
    const timer = setInterval(read, STATUS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [allowed]);
  return processes;
}

export function OverviewPage() {
  const can = useCan();
  const [jobs, setJobs] = useState<JobRow[] | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [contexts, setContexts] = useState<Record<string, number>>({});
  const { message, fail } = useMessage();
  const processes = useProcesses(can('metrics:read'), fail);
  const readsJobs = can('jobs:read');
  const readsContexts = can('contexts:read');
  // Only what the principal may read: a figure it may not see is left out, not answered 403.
  const load = () => {
    if (readsJobs) {
      api<JobRow[]>(`/jobs?limit=${HISTORY}&include=submitTime`).then(setJobs).catch(fail);
      api<Record<string, number>>('/jobs/counts').then(setCounts).catch(fail);
    } else setJobs([]);
    if (!readsContexts) return;
    api<string[]>('/contexts')
      .then((names) =>
        Promise.all(
          names.map((n) => api<{ state: string }>(`/contexts/${enc(n)}`).catch(() => null)),
        ),
      )
      .then((list) => {
        const byState: Record<string, number> = {};
        for (const c of list) if (c) byState[c.state] = (byState[c.state] ?? 0) + 1;
        setContexts(byState);
      })
      .catch(fail);
  };
  useEffect(load, []);
  useEvents(readsJobs ? '/events' : null, ['job', 'context'], load, [], 2000);

  if (!jobs) return <p>{message || 'Loading…'}</p>;
  const now = Date.now();
  return (
    <section>
      <h1>Overview</h1>
      <Message text={message} />
      {readsJobs ? (
        <JobFigures jobs={jobs} counts={counts} contexts={contexts} now={now} />
      ) : (
        <p class="dim" data-needs="jobs:read">
          Job counts and charts need the <code>jobs:read</code> permission.
        </p>
      )}
      <h2>Processes</h2>
      {can('metrics:read') ? (
        <Processes processes={processes} now={now} />
      ) : (
        <p class="dim" data-needs="metrics:read">
          Listing the cluster's processes needs the <code>metrics:read</code> permission.
        </p>
      )}
    </section>
  );
}

/** p`rank` of the samples' values, as seconds with 3 decimals. */
const pct = (samples: Sample[], rank: number) =>
  fmt(
    percentile(
      samples.map((s) => s.value),
      rank,
    ),
  );

/** Counts now, percentiles over the last hour, contexts by state, and the three charts. */
function JobFigures(props: {
  jobs: JobRow[];
  counts: Record<string, number>;
  contexts: Record<string, number>;
  now: number;
}) {
  const { jobs, counts, now } = props;
  const durations = lastHour(jobs, now, durationSample);
  const waits = lastHour(jobs, now, queueWaitSample);
  return (
    <>
      <dl class="tiles">
        {STATUSES.map((s) => (
          <Tile
            key={s}
            id={s}
            label={`${s.toLowerCase()}${ENDED.includes(s as never) ? '' : ' now'}`}
            value={counts[s] ?? '…'}
          />
        ))}
        <Tile id="p50" label="duration p50 (1 h)" value={pct(durations, 50)} />
        <Tile id="p99" label="duration p99 (1 h)" value={pct(durations, 99)} />
        <Tile id="wait-p50" label="queue wait p50 (1 h)" value={pct(waits, 50)} />
        <Tile id="wait-p99" label="queue wait p99 (1 h)" value={pct(waits, 99)} />
        {Object.entries(props.contexts).map(([state, n]) => (
          <Tile
            key={state}
            id={`context-${state}`}
            label={`contexts ${state.toLowerCase()}`}
            value={n}
          />
        ))}
      </dl>
      <h2>Jobs ended per minute, last hour</h2>
      <Chart
        label="jobs ended per minute"
        unit="jobs / min"
        data={endedPerMinute(jobs, now)}
        series={ENDED.map((s) => ({ label: s.toLowerCase(), color: COLORS[s] }))}
      />
      <h2>Job duration per minute, last hour</h2>
      <Chart
        label="job duration per minute"
        unit="seconds"
        data={percentilesPerMinute(durations, now)}
        series={PERCENTILES}
      />
      <h2>Queue wait per minute, last hour</h2>
      <Chart
        label="queue wait per minute"
        unit="seconds"
        data={percentilesPerMinute(waits, now)}
        series={PERCENTILES}
      />
      <p class="dim small">
        Charts from the newest {HISTORY} jobs of the history; counts over the whole history.
      </p>
    </>
  );
}
