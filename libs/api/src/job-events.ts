import { sizeText, toErrorInfo } from './error-info';
import { ResultTooLarge, serializeLogFields } from './result-serializer';
import type { LogFields } from './types';

/** How far a job is, as `ctx.progress` records it: `fraction` in 0…1, with its `done`/`total`. */
export interface ProgressReport {
  fraction: number;
  done?: number;
  total?: number;
  message?: string;
}

/** The level of a line a job logged, as it is kept with the job. */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/**
 * A progress, stage or log event as a job reported it, before the server numbers it: `time` in
 * ms since the epoch, when the job called `ctx.progress` / `ctx.stage` / `ctx.log`.
 */
export type ReportedEvent =
  | ({ type: 'progress'; time: number } & ProgressReport)
  | { type: 'stage'; time: number; name: string }
  | { type: 'log'; time: number; line: number; level: LogLevel; message: string; fields?: LogFields };

/** The limits on what a job reports (server config `log-line-limit`, `log-lines-retained`). */
export interface ReportLimits {
  /** A log line (message and fields as JSON) is cut to this many UTF-8 bytes. */
  logLineLimit: number;
  /** At most this many log lines are kept; the oldest go first. */
  logLinesRetained: number;
}

/** Stage names and progress messages are cut to this many characters. */
export const MAX_REPORT_TEXT = 200;
/** A job's stages beyond this many are ignored (each is kept in the job's row). */
export const MAX_STAGES = 1000;

/**
 * What `ctx.progress(value)` records, or null when `value` is to be ignored: a number (NaN
 * ignored, clamped to 0…1), or `{done, total, message?}` with finite numbers, total ≥ 0
 * (`total` 0 counts as done: fraction 1; `done` is clamped to 0…total); a message that is not a
 * string is left out, a long one cut at {@link MAX_REPORT_TEXT} characters.
 */
export function toProgress(value: unknown): ProgressReport | null {
  if (typeof value === 'number') return Number.isNaN(value) ? null : { fraction: clamp(value, 0, 1) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { done, total, message } = value as Record<string, unknown>;
  if (!isFinite(done) || !isFinite(total) || total < 0) return null;
  const kept = clamp(done, 0, total);
  const progress: ProgressReport = { fraction: total === 0 ? 1 : kept / total, done: kept, total };
  if (typeof message === 'string') progress.message = cutChars(message, MAX_REPORT_TEXT);
  return progress;
}

/** What `ctx.stage(name)` records: a non-empty string cut at {@link MAX_REPORT_TEXT} characters; null (ignored) for anything else. */
export function toStageName(name: unknown): string | null {
  return typeof name === 'string' && name.length > 0 ? cutChars(name, MAX_REPORT_TEXT) : null;
}

/**
 * A log line within `limit` UTF-8 bytes: fields that cannot be represented or take over half the
 * limit become `{fieldsError}`; the message is cut to what is left, ending with a note
 * `… (truncated: 1.0 MB line)`.
 */
export function toLogLine(message: unknown, fields: unknown, limit: number): { message: string; fields?: LogFields } {
  const text = typeof message === 'string' ? message : String(message);
  const kept = fields === undefined ? undefined : boundedFields(fields, Math.floor(limit / 2));
  const budget = limit - (kept === undefined ? 0 : Buffer.byteLength(JSON.stringify(kept)));
  return kept === undefined ? { message: cutBytes(text, budget) } : { message: cutBytes(text, budget), fields: kept };
}

function boundedFields(fields: unknown, maxBytes: number): LogFields {
  try {
    const json = serializeLogFields(fields, maxBytes);
    const parsed: unknown = json === undefined ? undefined : JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as LogFields;
    return { fields: parsed };
  } catch (error) {
    if (!(error instanceof ResultTooLarge)) return { fieldsError: toErrorInfo(error).message };
    const size = `${error.partial ? 'more than ' : ''}${sizeText(error.bytes)}`;
    return { fieldsError: `fields take ${size}, over half of log-line-limit (${sizeText(error.maxBytes)})` };
  }
}

function cutBytes(text: string, maxBytes: number): string {
  // A string of n UTF-16 units takes at most 3n UTF-8 bytes: most lines need no count at all.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  const note = `… (truncated: ${sizeText(bytes)} line)`;
  const room = Math.max(0, maxBytes - Buffer.byteLength(note));
  // Cut the UTF-8 bytes, then drop a trailing partial character (decoded as U+FFFD).
  const cut = Buffer.from(text.slice(0, room)).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
  return cut + note;
}

function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const isFinite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** `Date.now` as it was when the server loaded: job code in the same thread may replace the global. */
const now = Date.now;

/** A buffered event with its place in call order. */
interface Queued {
  order: number;
  event: ReportedEvent;
}

/**
 * A job's reports waiting to be sent or written, in call order: the latest progress replaces the
 * one before it (only the latest is kept), and log lines beyond `retained` drop the oldest
 * (counted in `dropped`). Adding is O(1), so a job that reports in a tight loop costs little.
 */
export class ReportBuffer {
  private logs: Queued[] = [];
  private logsHead = 0;
  private stages: Queued[] = [];
  private latestProgress: Queued | undefined;
  private order = 0;
  private droppedLines = 0;

  constructor(private readonly retained: number) {}

  /** Whether nothing waits. */
  get empty(): boolean {
    return this.latestProgress === undefined && this.stages.length === 0 && this.logs.length === this.logsHead;
  }

  add(event: ReportedEvent): void {
    const queued = { order: this.order++, event };
    if (event.type === 'progress') this.latestProgress = queued;
    else if (event.type === 'stage') this.stages.push(queued);
    else this.addLog(queued);
  }

  /** Everything waiting, in call order, and how many log lines were dropped since the last take; empties the buffer. */
  take(): { events: ReportedEvent[]; dropped: number } {
    const lists = [this.logs.slice(this.logsHead), this.stages, this.latestProgress ? [this.latestProgress] : []];
    const dropped = this.droppedLines;
    this.logs = [];
    this.logsHead = 0;
    this.stages = [];
    this.latestProgress = undefined;
    this.droppedLines = 0;
    return { events: mergeByOrder(lists), dropped };
  }

  private addLog(queued: Queued): void {
    this.logs.push(queued);
    if (this.logs.length - this.logsHead <= this.retained) return;
    this.logsHead++;
    this.droppedLines++;
    // Drop the dropped entries now and then: amortized O(1), never more than twice the bound.
    if (this.logsHead >= this.retained) {
      this.logs = this.logs.slice(this.logsHead);
      this.logsHead = 0;
    }
  }
}

function mergeByOrder(lists: Queued[][]): ReportedEvent[] {
  const events: ReportedEvent[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let next = -1;
    for (let i = 0; i < lists.length; i++) {
      if (at[i]! < lists[i]!.length && (next < 0 || lists[i]![at[i]!]!.order < lists[next]![at[next]!]!.order)) next = i;
    }
    if (next < 0) return events;
    events.push(lists[next]![at[next]++]!.event);
  }
}

/**
 * What `ctx.progress`, `ctx.stage` and `ctx.log` of one job record, by the rules of
 * {@link toProgress}, {@link toStageName} and {@link toLogLine}: shared by the executor thread and
 * `runJobForTest`. Log lines are numbered from 0 over every line (kept or dropped). Never throws
 * into job code: a value that cannot be read is ignored. `onReport` runs after each recorded event.
 */
export class JobReporter {
  readonly buffer: ReportBuffer;
  private lines = 0;
  private stages = 0;

  constructor(
    private readonly limits: ReportLimits,
    private readonly onReport: () => void = () => undefined,
  ) {
    this.buffer = new ReportBuffer(limits.logLinesRetained);
  }

  progress(value: unknown): void {
    this.record(() => {
      const progress = toProgress(value);
      return progress && { type: 'progress', time: now(), ...progress };
    });
  }

  stage(name: unknown): void {
    this.record(() => {
      const stage = this.stages < MAX_STAGES ? toStageName(name) : null;
      if (stage !== null) this.stages++;
      return stage === null ? null : { type: 'stage', time: now(), name: stage };
    });
  }

  log(level: LogLevel, message: unknown, fields?: unknown): void {
    this.record(() => ({ type: 'log', time: now(), line: this.lines++, level, ...toLogLine(message, fields, this.limits.logLineLimit) }));
  }

  private record(make: () => ReportedEvent | null): void {
    try {
      const event = make();
      if (event === null) return;
      this.buffer.add(event);
      this.onReport();
    } catch {
      // A value whose getters or toString throw is ignored: job code never sees a throw from here.
    }
  }
}
