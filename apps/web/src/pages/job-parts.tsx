import { useState } from 'preact/hooks';
import { seconds } from '../stats';

/** Pretty JSON under a heading, with a Copy button. */
export function Json({ value, label }: { value: unknown; label: string }) {
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

export interface Stage {
  name: string;
  startTime: string;
  duration: string;
}

/** Where each stage starts and ends (ms); a stage still running ends `now`. */
export function stageSpans(stages: Stage[], now: number) {
  return stages.map((stage) => {
    const start = Date.parse(stage.startTime);
    const took = seconds(stage.duration);
    const running = Number.isNaN(took);
    return { ...stage, start, end: running ? Math.max(now, start) : start + took * 1000, running };
  });
}

const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(2)}%`;

/** The stages as bars on one time axis: each bar starts when its stage began, as long as it took. */
export function Timeline({ stages }: { stages: Stage[] }) {
  const spans = stageSpans(stages, Date.now());
  const first = Math.min(...spans.map((s) => s.start));
  const total = Math.max(Math.max(...spans.map((s) => s.end)) - first, 1);
  return (
    <ol class="timeline" aria-label="stage timeline">
      {spans.map((s) => (
        <li key={s.name + s.startTime} data-stage={s.name}>
          <b>{s.name}</b>
          <span class="track">
            <span
              class={`bar${s.running ? ' running' : ''}`}
              style={{
                left: percent(s.start - first, total),
                width: percent(s.end - s.start, total),
              }}
            />
          </span>
          <span class="dim">{s.duration}</span>
        </li>
      ))}
    </ol>
  );
}
