import type { HistogramValues } from '@jobserver/protocol';

/** One sample of a metric family: its labels, value, and the suffix of a histogram's series. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  suffix?: '_bucket' | '_sum' | '_count';
}

/** A metric family in the Prometheus text format (version 0.0.4). */
export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Sample[];
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function sampleLine(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels ?? {});
  const text = labels.length
    ? `{${labels.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`
    : '';
  return `${name}${sample.suffix ?? ''}${text} ${formatValue(sample.value)}`;
}

/** The text of families, as prom-client's registry writes its own (so that both concatenate). */
export function formatFamilies(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(
      `# HELP ${family.name} ${escapeHelp(family.help)}`,
      `# TYPE ${family.name} ${family.type}`,
    );
    for (const sample of family.samples) lines.push(sampleLine(family.name, sample));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A histogram family: cumulative `_bucket`s, then `_sum` and `_count`. */
export function histogramFamily(name: string, help: string, values: HistogramValues): Family {
  const buckets: Sample[] = values.buckets.map(({ le, count }) => ({
    suffix: '_bucket',
    labels: { le: formatValue(le) },
    value: count,
  }));
  const totals: Sample[] = [
    { suffix: '_sum', value: values.sum },
    { suffix: '_count', value: values.count },
  ];
  return { name, help, type: 'histogram', samples: [...buckets, ...totals] };
}
