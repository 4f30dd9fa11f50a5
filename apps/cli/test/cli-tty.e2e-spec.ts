import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobserverClient } from '@jobserver/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { TmuxCli } from './cli-harness';

/** The CLI in a pseudo-terminal (tmux): what a person at a terminal sees and types. */
describe('jobserver CLI in a terminal', () => {
  let server: TestServer;
  let client: JobserverClient;
  let env: Record<string, string>;
  let tmp: string;
  const sessions: TmuxCli[] = [];
  const terminal = (...args: string[]) => {
    const session = new TmuxCli(args, env);
    sessions.push(session);
    return session;
  };

  beforeAll(async () => {
    server = await startTestServer();
    client = new JobserverClient({ url: server.url });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'jobserver-cli-tty-'));
    const history = path.join(tmp, 'history');
    env = { JOBSERVER_URL: server.url, JOBSERVER_CONSOLE_HISTORY: history };
    await client.binaries.upload('test', readFileSync(EXAMPLE_BUNDLE));
    await client.contexts.create('tty');
  });
  afterEach(() => {
    for (const session of sessions.splice(0)) session.close();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('run draws a progress bar with the stage, streams log lines above it, then prints the result', async () => {
    const run = terminal('run', 'test', 'ProgressExample', '--context', 'tty', '-c', 'steps=40', '-c', 'lines=3', '-c', 'stepMs=100');
    // While it runs: a partly filled bar, its percentage, the stage and the progress message.
    const midway = await run.waitFor(/█+░+\s+\d{1,2}% \| +\d+s \| count step \d+/);
    expect(midway).toMatch(/^job [0-9a-f-]{36} started in context tty$/m);
    expect(await run.exitCode()).toBe(0);
    const screen = run.screen();
    const lines = screen.split('\n');
    const logAt = (i: number) => lines.findIndex((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d INFO line ${i} \\{"i":${i}\\}$`).test(line));
    const barAt = lines.findIndex((line) => /^█{10,} 100% \| +\d+s \| done step 40$/.test(line));
    expect([logAt(0), logAt(1), logAt(2)].every((at) => at > 0 && at < barAt), screen).toBe(true);
    expect(lines.slice(barAt + 1).join('\n')).toMatch(/^✔ job [0-9a-f-]{36} finished in [\d.]+ secs\n\{\n {2}"steps": 40,\n {2}"lines": 3\n\}\nEXIT=0$/);
  });

  it('asks on Ctrl-C whether to kill the job; yes kills it and exits 130', async () => {
    const run = terminal('run', 'test', 'LongRunningExample', '--context', 'tty', '-c', 'durationMs=60000');
    const started = await run.waitFor(/started in context tty/);
    const jobId = /job ([0-9a-f-]{36}) started/.exec(started)![1];
    await run.waitFor(/░+\s+0% \|/);
    run.keys('C-c');
    await run.waitFor(new RegExp(`^Kill job ${jobId}\\? \\[y/N\\]$`, 'm'));
    run.keys('y', 'Enter');
    expect(await run.exitCode()).toBe(130);
    expect(run.screen()).toMatch(new RegExp(`killing job ${jobId}…[\\s\\S]*✖ job ${jobId} was killed\\nEXIT=130$`));
    expect((await client.jobs.get(jobId)).status).toBe('KILLED');
  });

  it('leaves the job running when the answer is no (Enter), exits 130 and says how to follow it', async () => {
    const run = terminal('run', 'test', 'LongRunningExample', '--context', 'tty', '-c', 'durationMs=60000');
    const started = await run.waitFor(/started in context tty/);
    const jobId = /job ([0-9a-f-]{36}) started/.exec(started)![1];
    run.keys('C-c');
    await run.waitFor(/\[y\/N\]$/m);
    run.keys('Enter');
    expect(await run.exitCode()).toBe(130);
    expect(run.screen()).toContain(`job ${jobId} left running; follow it with: jobserver jobs logs -f ${jobId}`);
    expect((await client.jobs.get(jobId)).status).toBe('RUNNING');
    await client.jobs.kill(jobId);
  });

  it('console: runs statements, continues open input on more lines, completes with Tab, cancels with Ctrl-C', async () => {
    const repl = terminal('console', 'tty');
    await repl.waitFor(/^tty>$/m);
    repl.type('const words = "a b a".split(" ");');
    repl.keys('Enter');
    await repl.waitFor((screen) => screen.split('\n').filter((line) => line === 'tty>').length === 1 && screen.includes('split(" ");\ntty>'));
    repl.type('function twice(x) {');
    repl.keys('Enter');
    await repl.waitFor(/^\.\.\.$/m);
    repl.type('  return x * 2');
    repl.keys('Enter');
    repl.type('}');
    repl.keys('Enter');
    repl.type('twice(words.length)');
    repl.keys('Enter');
    await repl.waitFor(/^6$/m);
    repl.type('wor');
    repl.keys('Tab');
    await repl.waitFor(/^tty> words$/m);
    repl.type('.join("+")');
    repl.keys('Enter');
    await repl.waitFor(/^'a\+b\+a'$/m);
    repl.type('nope.x');
    repl.keys('Enter');
    await repl.waitFor(/^ReferenceError: nope is not defined$/m);
    repl.type('await new Promise((resolve) => signal.addEventListener("abort", resolve))');
    repl.keys('Enter');
    await eventually(async () => ((await client.statements.list('tty')).statements.at(-1)?.state === 'running' ? true : undefined));
    repl.keys('C-c');
    await repl.waitFor(/^cancelled$/m);
    expect((await client.statements.list('tty')).statements.at(-1)!.state).toMatch(/^(cancelled|cancelling)$/);
    repl.keys('C-d');
    expect(await repl.exitCode()).toBe(0);
  });

  it('console: keeps the history across sessions (Up recalls the last statement)', async () => {
    const repl = terminal('console', 'tty');
    await repl.waitFor(/^tty>$/m);
    repl.keys('Up');
    await repl.waitFor(/^tty> await new Promise\(\(resolve\) => signal\.addEventListener\("abort", resolve\)\)$/m);
    // Ctrl-C clears the recalled line, a second one on the empty prompt says how to leave, .exit leaves.
    repl.keys('C-c');
    await repl.waitFor((screen) => screen.split('\n').filter((line) => line === 'tty>').length >= 2);
    repl.keys('C-c');
    await repl.waitFor(/^\(To exit, press Ctrl\+C again or Ctrl\+D or type \.exit\)$/m);
    repl.type('.exit');
    repl.keys('Enter');
    expect(await repl.exitCode()).toBe(0);
  });
});
