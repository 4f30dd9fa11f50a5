import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The built CLI (`npm run build` first). */
export const CLI = path.resolve(__dirname, '../bin/jobserver.js');

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: ours without npm's and jobserver's own variables, plus `env`. */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('JOBSERVER_') && !key.startsWith('npm_') && key !== 'FORCE_COLOR'),
  );
  return { ...clean, XDG_CONFIG_HOME: '/nonexistent-jobserver-config', ...env };
}

/** Options of {@link cli}. */
export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** Called with the child once it runs (to signal it). */
  started?: (child: ReturnType<typeof spawn>) => void;
}

/** Runs the CLI with stdout and stderr on pipes (not a terminal), stdin from `input`. */
export function cli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(options.env), cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
    options.started?.(child);
  });
}

/** A shell word, quoted. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The CLI in a pseudo-terminal: a tmux session of its own (its own server socket), which the
 * test types into (`keys`) and reads the screen of (`screen`). The pane runs the CLI, then
 * prints `EXIT=<code>`.
 */
export class TmuxCli {
  /** A server socket of its own, removed by close(). */
  private readonly socket = path.join(os.tmpdir(), `jobserver-cli-tmux-${randomBytes(4).toString('hex')}.sock`);

  constructor(args: string[], env: Record<string, string | undefined> = {}, size = { columns: 120, rows: 40 }) {
    const vars = Object.entries(cliEnv(env))
      .filter(([key]) => /^(PATH|HOME|LANG|LC_ALL|TZ|XDG_CONFIG_HOME|JOBSERVER_\w+|NO_COLOR)$/.test(key))
      .map(([key, value]) => `${key}=${quote(value ?? '')}`);
    const command = `env -i ${vars.join(' ')} TERM=xterm-256color ${quote(process.execPath)} ${[CLI, ...args].map(quote).join(' ')}; echo EXIT=$?; sleep 600`;
    this.tmux(['new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), command]);
  }

  /** The visible screen as text, without spaces at the ends of lines (a prompt's `> ` is `>`). */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J']).split('\n').map((line) => line.trimEnd()).join('\n').trimEnd();
  }

  /** Types keys: text, or tmux key names (`Enter`, `C-c`, `Tab`, `Up`, `C-d`). */
  keys(...keys: string[]): void {
    this.tmux(['send-keys', ...keys]);
  }

  /** Types text literally (no key names; a trailing `;`, tmux's command separator, escaped as text). */
  type(text: string): void {
    this.tmux(['send-keys', '-l', text.replace(/;$/, '\\;')]);
  }

  /** Resolves with the screen once `check` holds, or rejects with it after `timeoutMs`. */
  async waitFor(check: RegExp | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const test = typeof check === 'function' ? check : (screen: string) => check.test(screen);
    const until = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() > until) throw new Error(`the screen never matched ${String(check)}:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The CLI's exit code, once it exited. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const screen = await this.waitFor(/EXIT=\d+/, timeoutMs);
    return Number(/EXIT=(\d+)/.exec(screen)![1]);
  }

  /** Ends the session and its tmux server (the CLI, if still running, with it). */
  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.socket, { force: true });
  }

  private tmux(args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }
}
