import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { npmStartSetup } from './support/npm-start';
import { eventually } from './support/server';

const ROOT = path.resolve(__dirname, '..');

/** `npm start`'s face (issue 17): a banner with the addresses, readable logs, an orderly Ctrl-C. */
describe('npm start', () => {
  let start: ChildProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    start?.kill('SIGKILL');
    await cleanup?.();
  });

  /** Runs scripts/start.js on a test database; `output()` is what it printed so far. */
  async function run(extraEnv: Record<string, string>) {
    const setup = await npmStartSetup({ JOBSERVER_SPARE_WORKERS: '0', ...extraEnv });
    cleanup = setup.cleanup;
    const { env, port } = setup;
    start = spawn(process.execPath, [path.join(ROOT, 'scripts/start.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    start.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    start.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => start!.once('exit', (code) => resolve(code)));
    await eventually(async () => (text.includes('Ctrl-C stops everything.') ? true : undefined), 60_000);
    return { port, output: () => text, exited };
  }

  it('prints the addresses once the gateway answers, readable log lines with LOG_FORMAT=pretty, and stops in order on SIGINT', async () => {
    const { port, output, exited } = await run({ LOG_FORMAT: 'pretty' });
    const url = `http://127.0.0.1:${port}`;
    expect(output()).toContain(
      ['jobserver is running', `  REST API  ${url}/`, `  Web UI    ${url}/  (in a browser)`, `  OpenAPI   ${url}/api-docs`].join('\n'),
    );
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const lines = output().split('\n').filter((line) => line.startsWith('['));
    expect(lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: gateway: gateway listening on 127\.0\.0\.1:\d+/.test(line))).toBe(true);
    expect(output()).not.toMatch(/^\{"level"/m);
    expect(output()).not.toContain('Mapped {'); // Nest's route lines stay out of pretty logs

    start!.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toMatch(/Ctrl-C: stopping jobserver\n {2}stopping gateway…\n {2}stopping scheduler and its context workers…\njobserver stopped\n$/);
  });

  it('writes JSON log lines when stdout is not a terminal (LOG_FORMAT=auto)', async () => {
    const { output } = await run({});
    const json = output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { app: string; msg: string });
    expect(json.some((entry) => entry.app === 'gateway' && entry.msg.startsWith('gateway listening on'))).toBe(true);
    expect(json.some((entry) => entry.app === 'scheduler')).toBe(true);
  });
});
