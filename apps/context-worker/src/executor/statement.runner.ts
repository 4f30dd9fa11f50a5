import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { constants as vmConstants, runInThisContext } from 'node:vm';
import { serverInternals, type DataFiles, type JobLog, type LogFields, type NamedObjects } from '@jobserver/api';
import { toErrorInfo, type ErrorInfo } from '@jobserver/protocol';
import type { FromExecutorMessage } from './executor.messages';
import type {
  CompleteMessage,
  RunStatementMessage,
  StatementLoadedMessage,
  StatementOutput,
} from './statement.messages';
import { rewriteStatement } from './statement.scope';

/** The names a statement finds in scope (API.md "Console"), in the order they are passed. */
export const STATEMENT_SCOPE_NAMES = ['namedObjects', 'namedRdds', 'settings', 'log', 'signal', 'console', 'load', 'progress', 'data'] as const;

/** What the runner needs from the executor thread around it. */
export interface StatementEnvironment {
  namedObjects: NamedObjects;
  post(message: FromExecutorMessage): void;
  /** Imports a bundle's entry module (cached for the thread's life, shared with jobs). */
  importEntry(entryPath: string): Promise<unknown>;
  /** `data` of a statement: `ctx.data` of jobs (read and path). @defaultValue no `data` in scope */
  dataFor?(jobId: string): DataFiles;
}

type StatementFunction = (...scope: unknown[]) => Promise<unknown>;

/**
 * Runs console statements in the executor thread's REPL scope: the thread's own global scope, in
 * which the statements' top-level declarations persist (statement.scope.ts). The scope lives as
 * long as the thread: a replaced executor starts with an empty one. Never throws; everything a
 * statement does wrong becomes its error output.
 */
export class StatementRunner {
  /** Names declared by the statements run in this thread, for completion (and scope names they replaced). */
  private readonly declared = new Set<string>();
  /** The output of the statement whose code (or a function it calls) runs now. */
  private readonly outputs = new AsyncLocalStorage<CapturedOutput>();
  /**
   * The `console` of every statement: it prints into the output of the statement that runs, so a
   * function declared by an earlier statement prints into the one that calls it.
   */
  private readonly console = routedConsole(() => this.outputs.getStore()?.console);
  private readonly loads = new Map<number, (answer: StatementLoadedMessage) => void>();
  private nextLoad = 0;

  constructor(private readonly env: StatementEnvironment) {}

  async run(request: RunStatementMessage, signal: AbortSignal): Promise<StatementOutput> {
    const count = request.executionCount;
    let statement: StatementFunction;
    let offset = 0;
    let params: string[];
    try {
      const rewritten = rewriteStatement(request.code, STATEMENT_SCOPE_NAMES, this.declared);
      offset = rewritten.offset;
      params = rewritten.params;
      // `await import('node:fs')` works as in a module (the main context's loader; Node marks it experimental).
      statement = runInThisContext(rewritten.source, {
        filename: `statement-${count}`,
        importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      }) as StatementFunction;
      for (const name of rewritten.declared) this.declared.add(name);
    } catch (error) {
      return parseErrorOutput(count, error);
    }
    const output = new CapturedOutput(request.maxOutputBytes);
    try {
      const scope = this.scope(request, signal);
      // Called by AsyncLocalStorage.run itself: no frame of ours between the statement's and it (errorOutput cuts there).
      const value = await this.outputs.run(output, statement.bind(globalThis), ...params.map((name) => scope[name]));
      return okOutput(count, value, output, request.maxResultSize);
    } catch (error) {
      return errorOutput(count, toErrorInfo(error), offset);
    }
  }

  /** Hands the main thread's answer to the `load(appName)` waiting for it. */
  onLoaded(answer: StatementLoadedMessage): void {
    this.loads.get(answer.requestId)?.(answer);
    this.loads.delete(answer.requestId);
  }

  /**
   * Completion candidates at `cursor`: after `name.`, the properties of that global; else the
   * declared names, the scope's names and the named objects' names that start with the word typed.
   */
  async complete(request: CompleteMessage): Promise<string[]> {
    const before = request.code.slice(0, Math.max(0, Math.min(request.cursor, request.code.length)));
    const match = /(?:([A-Za-z_$][\w$]*)\.)?([A-Za-z_$][\w$]*)?$/u.exec(before);
    const [, owner, word = ''] = match ?? [];
    const names = owner ? propertyNames(owner, this.declared) : await this.scopeNames();
    return [...new Set(names)].filter((name) => name.startsWith(word)).sort().slice(0, 200);
  }

  private async scopeNames(): Promise<string[]> {
    const objects = await this.env.namedObjects.getNames().catch(() => []);
    return [...this.declared, ...STATEMENT_SCOPE_NAMES, ...objects];
  }

  private scope(request: RunStatementMessage, signal: AbortSignal): Record<string, unknown> {
    const { namedObjects, post } = this.env;
    const settings = Object.freeze({ ...request.settings });
    const log = statementLog(request.jobId, post);
    const load = (appName: unknown) => this.load(request.jobId, String(appName));
    const progress = (value: unknown) => {
      const fraction = progressFraction(value);
      if (fraction !== undefined) post({ type: 'statement-progress', jobId: request.jobId, fraction });
    };
    const data = this.env.dataFor?.(request.jobId);
    return { namedObjects, namedRdds: namedObjects, settings, log, signal, console: this.console, load, progress, data } satisfies Record<(typeof STATEMENT_SCOPE_NAMES)[number], unknown>;
  }

  private async load(jobId: string, appName: string): Promise<unknown> {
    const requestId = ++this.nextLoad;
    const answer = await new Promise<StatementLoadedMessage>((resolve) => {
      this.loads.set(requestId, resolve);
      this.env.post({ type: 'statement-load', jobId, requestId, appName });
    });
    if (!answer.entryPath) throw Object.assign(new Error(answer.error?.message ?? `cannot load ${appName}`), { name: answer.error?.errorClass ?? 'LoadFailed' });
    return this.env.importEntry(answer.entryPath);
  }
}

/**
 * `progress(fraction)` or `progress({done, total})` as API.md's `ctx.progress`: clamped to 0…1;
 * NaN, non-numbers and a total that is not positive are ignored (`undefined`).
 */
export function progressFraction(value: unknown): number | undefined {
  let fraction: unknown = value;
  if (typeof value === 'object' && value !== null) {
    const { done, total } = value as { done?: unknown; total?: unknown };
    fraction = typeof done === 'number' && typeof total === 'number' && total > 0 ? done / total : undefined;
  }
  if (typeof fraction !== 'number' || Number.isNaN(fraction)) return undefined;
  return Math.min(1, Math.max(0, fraction));
}

/** The console of one statement: what it prints is kept, up to `maxChars` characters. */
class CapturedOutput {
  readonly console: Console;
  private text = '';
  private dropped = 0;

  constructor(private readonly maxChars: number) {
    // Written synchronously (the callback is called at once), so the text is complete when the statement returns.
    const stream = new Writable({
      decodeStrings: false,
      write: (chunk: unknown, _encoding, callback) => {
        this.append(String(chunk));
        callback();
      },
    });
    this.console = new Console({ stdout: stream, stderr: stream, colorMode: false });
  }

  append(chunk: string): void {
    const room = this.maxChars - this.text.length;
    if (room > 0) this.text += chunk.length <= room ? chunk : chunk.slice(0, room);
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }

  /** The captured text, with a note when some was cut. */
  result(): string {
    if (!this.dropped) return this.text;
    return `${this.text}\n[output truncated: ${this.dropped} more characters than statement-output-limit (${this.maxChars} characters)]`;
  }
}

/**
 * A console whose every method is `current()`'s (the running statement's captured console), or
 * the thread's own console outside any statement (a timer left behind by one that ended).
 */
function routedConsole(current: () => Console | undefined): Console {
  return new Proxy(globalThis.console, {
    get(fallback, key) {
      const target = current() ?? fallback;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Own and inherited property names of the global `owner`, if a statement declared it (no getter runs). */
function propertyNames(owner: string, declared: ReadonlySet<string>): string[] {
  if (!declared.has(owner)) return [];
  const names: string[] = [];
  let value: unknown = (globalThis as Record<string, unknown>)[owner];
  for (let depth = 0; value !== null && value !== undefined && value !== Object.prototype && depth < 10; depth++) {
    names.push(...Object.getOwnPropertyNames(Object(value)).filter((name) => name !== 'constructor'));
    value = Object.getPrototypeOf(Object(value));
  }
  return names;
}

function okOutput(count: number, value: unknown, output: CapturedOutput, maxResultSize: number): StatementOutput {
  let json: unknown;
  try {
    const text = serverInternals.serializeResult(value, maxResultSize);
    json = text === undefined ? undefined : JSON.parse(text);
  } catch (error) {
    output.append(`[application/json left out: ${toErrorInfo(error).message}]\n`);
  }
  if (value !== undefined) output.append(inspect(value, { depth: 4, maxArrayLength: 1000, maxStringLength: 100_000 }));
  const data: { 'text/plain': string; 'application/json'?: unknown } = { 'text/plain': output.result() };
  if (json !== undefined) data['application/json'] = json;
  return { status: 'ok', execution_count: count, data };
}

/**
 * The error output of code that does not parse: its message (acorn's ends with `(line:column)`)
 * and, for a traceback, where in the statement it failed, never the parser's own frames.
 */
function parseErrorOutput(count: number, error: unknown): StatementOutput {
  const info = toErrorInfo(error);
  const loc = (error as { loc?: { line?: unknown; column?: unknown } } | null)?.loc;
  const at = typeof loc?.line === 'number' && typeof loc.column === 'number' ? [`at statement-${count}:${loc.line}:${loc.column + 1}`] : [];
  return { status: 'error', execution_count: count, ename: info.errorClass, evalue: info.message, traceback: at };
}

/**
 * Livy's error output. The traceback ends where the statement was called from (the runner's own
 * frames say nothing to the user and name server paths), and columns on the statement's first
 * line are given in the user's code, not in the rewritten one.
 */
function errorOutput(count: number, error: ErrorInfo, offset = 0): StatementOutput {
  const own = error.stack.findIndex((frame) => frame.includes('AsyncLocalStorage.run') || frame.includes('StatementRunner.run'));
  // `load()`'s own frames too: they name the server's files.
  const frames = (own === -1 ? error.stack : error.stack.slice(0, own)).filter((frame) => !frame.includes('StatementRunner.'));
  const firstLine = new RegExp(`statement-${count}:1:(\\d+)`, 'u');
  const traceback = frames.map((frame) =>
    frame.replace(firstLine, (_, column: string) => `statement-${count}:1:${Math.max(1, Number(column) - offset)}`),
  );
  return { status: 'error', execution_count: count, ename: error.errorClass, evalue: error.message, traceback };
}

/**
 * A statement's `log`: each line posted as a job's `reports` would be (cut at log-line-limit);
 * the worker copies statement lines to the server log only (they are kept with no job).
 */
function statementLog(jobId: string, post: StatementEnvironment['post']): JobLog {
  let line = 0;
  const { logLineLimit } = serverInternals.JOB_RUN_DEFAULTS;
  const level = (name: keyof typeof LEVELS) => (message: string, fields?: LogFields) => {
    const kept = serverInternals.toLogLine(message, fields, logLineLimit);
    const event = { type: 'log' as const, time: Date.now(), line: line++, level: LEVELS[name], ...kept };
    post({ type: 'reports', jobId, events: [event], dropped: 0 });
  };
  return { info: level('info'), warn: level('warn'), error: level('error') };
}

const LEVELS = { info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;
