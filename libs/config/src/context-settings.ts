import { totalmem } from 'node:os';
import { parseByteSize, parseDurationMs } from './units';

/** A context setting with a value the server cannot use. */
export class InvalidContextSetting extends Error {
  override readonly name = 'InvalidContextSetting';
}

/** The settings the server itself acts on, read from a context's settings. */
export interface ContextLimits {
  /** Worker threads jobs may use for parallel CPU work. @defaultValue the machine's cores */
  numCpuCores: number | undefined;
  /** Heap cap of the executor in MiB, and its label (`512m`). @defaultValue no cap */
  memoryLimitMb: number | undefined;
  memoryLimitLabel: string | undefined;
  /** Concurrent jobs; more wait queued. @defaultValue 8 */
  maxJobs: number;
  /** A job running longer is cancelled. @defaultValue none */
  jobTimeoutMs: number | undefined;
}

const MIN_HEAP_MB = 16;

/**
 * Merges server defaults, query params and the body's `context-settings` (the body wins),
 * checks the settings the server acts on, and returns them normalized (numbers for numeric
 * settings, `mem-per-node` for its alias). Other keys pass through to jobs as given.
 * @throws InvalidContextSetting naming the setting and the rule it breaks
 */
export function normalizeContextSettings(
  ...layers: Array<Record<string, unknown> | undefined>
): Record<string, unknown> {
  const settings: Record<string, unknown> = Object.assign({}, ...layers.filter(Boolean));
  if (settings['memory-per-node'] !== undefined) {
    settings['mem-per-node'] ??= settings['memory-per-node'];
    delete settings['memory-per-node'];
  }
  for (const key of ['num-cpu-cores', 'max-jobs-per-context']) {
    if (settings[key] === undefined) continue;
    const n = countOf(settings[key]);
    if (!Number.isInteger(n) || n < 1 || n > 1024) {
      throw new InvalidContextSetting(`${key} must be an integer between 1 and 1024, got ${String(settings[key])}`);
    }
    settings[key] = n;
  }
  if (settings['mem-per-node'] !== undefined) {
    const bytes = parseByteSize(settings['mem-per-node']);
    if (bytes === null || bytes < MIN_HEAP_MB * 1024 ** 2) {
      throw new InvalidContextSetting(`mem-per-node must be a size of at least ${MIN_HEAP_MB}m like 512m or 2g, got ${String(settings['mem-per-node'])}`);
    }
    if (bytes > totalmem()) {
      const machine = `${Math.floor(totalmem() / 1024 ** 2)}m`;
      throw new InvalidContextSetting(`mem-per-node must not exceed the machine's memory (${machine}), got ${String(settings['mem-per-node'])}`);
    }
  }
  if (settings['named-objects-max-bytes'] !== undefined) {
    const bytes = parseByteSize(settings['named-objects-max-bytes']);
    if (bytes === null) {
      throw new InvalidContextSetting(`named-objects-max-bytes must be a size like 100m or 2g, got ${String(settings['named-objects-max-bytes'])}`);
    }
    settings['named-objects-max-bytes'] = bytes;
  }
  normalizeSnapshotSettings(settings);
  if (settings['job-timeout'] !== undefined && !parseDurationMs(settings['job-timeout'])) {
    throw new InvalidContextSetting(`job-timeout must be a duration like 30s, got ${String(settings['job-timeout'])}`);
  }
  return settings;
}

/** `snapshot-max-bytes` (a size, into bytes), `restore` (only `latest`) and `snapshot` (an id), in place. */
function normalizeSnapshotSettings(settings: Record<string, unknown>): void {
  if (settings['snapshot-max-bytes'] !== undefined) {
    const bytes = parseByteSize(settings['snapshot-max-bytes']);
    if (bytes === null) {
      throw new InvalidContextSetting(`snapshot-max-bytes must be a size like 64m or 1g, got ${String(settings['snapshot-max-bytes'])}`);
    }
    settings['snapshot-max-bytes'] = bytes;
  }
  if (settings.restore !== undefined && settings.restore !== 'latest') {
    throw new InvalidContextSetting(`restore must be latest, got ${String(settings.restore)}`);
  }
  const snapshot = settings.snapshot;
  if (snapshot !== undefined && (typeof snapshot !== 'string' || snapshot.trim() === '')) {
    throw new InvalidContextSetting(`snapshot must be a snapshot id (GET /contexts/<name>/snapshots), got ${JSON.stringify(snapshot)}`);
  }
}

/**
 * A count setting's number: a number as is, or a string of decimal digits (query params);
 * `NaN` for anything else (`[1]`, `true`, `0x10`, which `Number()` would have taken).
 */
function countOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}

/** Reads the limits out of normalized settings. */
export function contextLimits(settings: Record<string, unknown>): ContextLimits {
  const mem = settings['mem-per-node'];
  const bytes = mem === undefined ? null : parseByteSize(mem);
  return {
    numCpuCores: settings['num-cpu-cores'] as number | undefined,
    memoryLimitMb: bytes === null ? undefined : Math.floor(bytes / 1024 ** 2),
    memoryLimitLabel: mem === undefined ? undefined : String(mem),
    maxJobs: (settings['max-jobs-per-context'] as number | undefined) ?? 8,
    jobTimeoutMs: parseDurationMs(settings['job-timeout']) ?? undefined,
  };
}

/**
 * Bytes a snapshot of a context with these (normalized) settings may hold: its
 * `snapshot-max-bytes`, at most the server's, which is also the default.
 * @param serverMaxBytes - the server config's `snapshot-max-bytes`
 */
export function snapshotMaxBytes(settings: Record<string, unknown>, serverMaxBytes: number): number {
  const bytes = settings['snapshot-max-bytes'];
  return typeof bytes === 'number' ? Math.min(bytes, serverMaxBytes) : serverMaxBytes;
}

/**
 * The `context-settings` block of a parsed job or context body, if it has one.
 * @throws InvalidContextSetting when it is there but not an object
 */
export function contextSettingsOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const settings = body['context-settings'];
  if (settings === undefined) return undefined;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new InvalidContextSetting('context-settings must be an object');
  }
  return settings as Record<string, unknown>;
}
