import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText, STATUSES, type JobRow } from '../api';
import { useEvents } from '../live';
import { ENDED, endedPerMinute, percentile, seconds } from '../stats';

/** The history the charts read: the newest jobs of `GET /jobs` (the API has no aggregate route yet). */
const HISTORY = 1000;
const COLORS: Record<string, string> = { FINISHED: '#17653a', ERROR: '#b42318', KILLED: '#5b2c91' };

function Chart({ data }: { data: number[][] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | undefined;
    let gone = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (gone || !box.current) return;
      const width = box.current.clientWidth;
      plot = new UPlot(
        {
          width,
          height: 220,
          series: [
            {},
            ...ENDED.map((s) => ({ label: s.toLowerCase(), stroke: COLORS[s], width: 2 })),
          ],
          axes: [{}, { label: 'jobs / min' }],
        },
        data as [number[], ...number[][]],
        box.current,
      );
    });
    return () => {
      gone = true;
      plot?.destroy();
    };
  }, [data]);
  return <div class="chart" ref={box} aria-label="jobs ended per minute" />;
}

export function OverviewPage() {
  const [jobs, setJobs] = useState<JobRow[] | null>(null);
  const [contexts, setContexts] = useState<Record<string, number>>({});
  const [message, setMessage] = useState('');
  const load = () => {
    api<JobRow[]>(`/jobs?limit=${HISTORY}`)
      .then(setJobs)
      .catch((e) => setMessage(errorText(e)));
    api<string[]>('/contexts')
      .then((names) =>
        Promise.all(
          names.map((n) =>
            api<{ state: string }>(`/contexts/${encodeURIComponent(n)}`).catch(() => null),
          ),
        ),
      )
      .then((list) => {
        const byState: Record<string, number> = {};
        for (const c of list) if (c) byState[c.state] = (byState[c.state] ?? 0) + 1;
        setContexts(byState);
      })
      .catch((e) => setMessage(errorText(e)));
  };
  useEffect(load, []);
  useEvents('/events', ['job', 'context'], load, [], 2000);

  if (!jobs) return <p>{message || 'Loading…'}</p>;
  const durations = jobs.filter((j) => j.status === 'FINISHED').map((j) => seconds(j.duration));
  const fmt = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(3)} s`);
  const now = (s: string) => jobs.filter((j) => j.status === s).length;
  return (
    <section>
      <h1>Overview</h1>
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      <dl class="tiles">
        {STATUSES.map((s) => (
          <div key={s} data-tile={s}>
            <dt>{s.toLowerCase()}</dt>
            <dd>{now(s)}</dd>
          </div>
        ))}
        <div data-tile="p50">
          <dt>duration p50</dt>
          <dd>{fmt(percentile(durations, 50))}</dd>
        </div>
        <div data-tile="p99">
          <dt>duration p99</dt>
          <dd>{fmt(percentile(durations, 99))}</dd>
        </div>
        {Object.entries(contexts).map(([state, n]) => (
          <div key={state} data-tile={`context-${state}`}>
            <dt>contexts {state.toLowerCase()}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <h2>Jobs ended per minute, last hour</h2>
      <Chart data={endedPerMinute(jobs, Date.now())} />
      <p class="dim small">From the newest {HISTORY} jobs of the history.</p>
    </section>
  );
}
