/** A context's worker memory as `GET /metrics` exposes it (`jobserver_context_memory_bytes`). */
export interface ContextMemory {
  /** The worker process's resident set size, bytes. */
  rss?: number;
  /** The executor thread's V8 heap in use, bytes. */
  heap?: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (value: string) =>
  value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** The samples of one family in Prometheus text: their labels and values. */
export function samples(
  text: string,
  family: string,
): Array<{ labels: Record<string, string>; value: number }> {
  const found = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(family)) continue;
    const match = SAMPLE.exec(line);
    if (!match || match[1] !== family) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = unescape(value);
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** Each live context's memory, by context name. */
export function memoryByContext(text: string): Record<string, ContextMemory> {
  const byContext: Record<string, ContextMemory> = {};
  for (const { labels, value } of samples(text, 'jobserver_context_memory_bytes')) {
    const kind = labels.kind;
    if (labels.context === undefined || (kind !== 'rss' && kind !== 'heap')) continue;
    (byContext[labels.context] ??= {})[kind] = value;
  }
  return byContext;
}
