import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { JobserverError, type JobserverClient, type Statement } from '@jobserver/client';
import type { Terminal } from '../output/terminal';
import { isComplete } from './completeness';

const HISTORY_SIZE = 1000;
const EXIT_HINT = '(To exit, press Ctrl+C again or Ctrl+D or type .exit)';

/**
 * An interactive prompt over a context's statements API: each complete input (multi-line while
 * a bracket, string or template is open) runs as one statement; Tab completes from the context's
 * REPL scope (`POST …/completion`); history is kept in a file. Ctrl-C cancels a running statement
 * or clears the input; twice on an empty prompt, Ctrl-D or `.exit` leaves.
 */
export class ConsoleSession {
  private rl: Interface | undefined;
  private buffer = '';
  private running: AbortController | undefined;
  private lastInterruptAtEmpty = false;

  constructor(
    private readonly client: JobserverClient,
    private readonly context: string,
    private readonly terminal: Terminal,
    private readonly historyFile: string,
  ) {}

  async run(): Promise<void> {
    const interactive = this.terminal.canAsk;
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: interactive,
      history: interactive ? await this.loadHistory() : [],
      historySize: HISTORY_SIZE,
      completer: (line: string, done: (error: null, result: [string[], string]) => void) => this.complete(line, done),
      prompt: this.prompt(),
    });
    this.rl = rl;
    rl.on('SIGINT', () => this.interrupt());
    if (interactive) {
      rl.on('history', (history: string[]) => void this.saveHistory(history));
      this.terminal.line(this.terminal.colors.dim(`console of context ${this.context}; .exit or Ctrl+D to leave, Tab completes`));
      rl.prompt();
    }
    for await (const line of rl) {
      if (!(await this.take(line))) break;
      if (interactive) {
        rl.setPrompt(this.prompt());
        rl.prompt();
      }
    }
    rl.close();
    if (interactive) this.terminal.line();
  }

  /** Ctrl-C (from readline on a terminal, or SIGINT): cancel the statement, else clear the input, else leave. */
  interrupt(): void {
    if (this.running) {
      this.running.abort();
      return;
    }
    const rl = this.rl;
    const typed = this.buffer !== '' || (rl?.line ?? '') !== '';
    if (typed) {
      this.buffer = '';
      this.lastInterruptAtEmpty = false;
      rl?.write(null, { ctrl: true, name: 'u' });
      this.terminal.line();
      rl?.setPrompt(this.prompt());
      rl?.prompt();
      return;
    }
    if (this.lastInterruptAtEmpty) return void rl?.close();
    this.lastInterruptAtEmpty = true;
    this.terminal.line(`\n${EXIT_HINT}`);
    rl?.prompt();
  }

  /** One line of input; false to leave. */
  private async take(line: string): Promise<boolean> {
    this.lastInterruptAtEmpty = false;
    if (this.buffer === '' && line.trim() === '.exit') return false;
    this.buffer = this.buffer === '' ? line : `${this.buffer}\n${line}`;
    if (!isComplete(this.buffer)) return true;
    const code = this.buffer;
    this.buffer = '';
    if (code.trim() === '') return true;
    await this.execute(code);
    return true;
  }

  private async execute(code: string): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    // While it runs, the terminal is in its own line mode: what is typed ahead is echoed and kept
    // for the next prompt, and Ctrl-C is a SIGINT (which cancels the statement).
    const cooked = this.terminal.canAsk && process.stdin.isRaw;
    if (cooked) {
      this.rl?.pause();
      process.stdin.setRawMode(false);
    }
    try {
      this.print(await this.client.statements.execute(this.context, code, { signal: controller.signal }));
    } catch (error) {
      if (!(error instanceof JobserverError && error.kind === 'aborted')) throw error;
      // The terminal echoed ^C where the cursor was: the word goes on a line of its own.
      this.terminal.line(`${cooked ? '\n' : ''}${this.terminal.colors.yellow('cancelled')}`);
    } finally {
      this.running = undefined;
      if (cooked) {
        process.stdin.setRawMode(true);
        this.rl?.resume();
      }
    }
  }

  private print(statement: Statement): void {
    const { colors } = this.terminal;
    const output = statement.output;
    if (statement.state === 'cancelled' || !output) return this.terminal.line(colors.yellow('cancelled'));
    if (output.status === 'ok') {
      const text = output.data?.['text/plain'] ?? '';
      if (text !== '') this.terminal.line(text);
      return;
    }
    this.terminal.line(colors.red(`${output.ename}: ${output.evalue}`));
    for (const frame of output.traceback ?? []) this.terminal.line(colors.dim(`    ${frame.trim()}`));
  }

  private complete(line: string, done: (error: null, result: [string[], string]) => void): void {
    const word = /[\p{L}\p{N}_$]*$/u.exec(line)?.[0] ?? '';
    const code = this.buffer === '' ? line : `${this.buffer}\n${line}`;
    this.client.statements.complete(this.context, code, code.length).then(
      (candidates) => done(null, [candidates, word]),
      () => done(null, [[], word]),
    );
  }

  private prompt(): string {
    return this.buffer === '' ? `${this.context}> ` : '... ';
  }

  private async loadHistory(): Promise<string[]> {
    const text = await readFile(this.historyFile, 'utf8').catch(() => '');
    // The file holds the oldest first; readline wants the newest first.
    return text.split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  }

  private async saveHistory(history: string[]): Promise<void> {
    await mkdir(path.dirname(this.historyFile), { recursive: true });
    await writeFile(this.historyFile, `${[...history].reverse().join('\n')}\n`, { mode: 0o600 }).catch(() => undefined);
  }
}
