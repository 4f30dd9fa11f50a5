import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobserverClient, processGone } from './support/client';
import { descendants, probeBundleFile } from './support/probe';
import { npmStartSetup } from './support/npm-start';
import { queryDatabase } from './support/processes';
import { eventually } from './support/server';

const ROOT = path.resolve(__dirname, '..');
const LIVE = `('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`;

const commandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** `npm start` (scripts/start.js on a real Postgres) takes its whole tree down, whatever dies. */
describe('npm start leaves no orphans', () => {
  let start: ChildProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let tree: number[] = [];

  afterEach(async () => {
    for (const pid of [start?.pid, ...tree]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    await cleanup?.();
  });

  /** Starts npm start's tree with a context whose job spawned `sleep 1000`; answers every pid in it. */
  async function startTree(): Promise<{ pids: number[]; gateway: number; sleep: number }> {
    const setup = await npmStartSetup({ LOG_LEVEL: 'warn' });
    cleanup = setup.cleanup;
    const { env, port } = setup;
    start = spawn(process.execPath, [path.join(ROOT, 'scripts/start.js')], { env, stdio: 'ignore' });
    const api = new JobserverClient(`http://127.0.0.1:${port}`);
    await eventually(async () => ((await api.get('/healthz').catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
    await api.upload('probe', probeBundleFile());
    expect((await api.post('/contexts/tree')).status).toBe(200);
    const res = await api.submit({ appName: 'probe', classPath: 'Spawn', context: 'tree', sync: true });
    expect(res.body.status).toBe('OK');
    const sleep: number = res.body.result.pid;
    const [{ pid: worker }] = await queryDatabase<{ pid: number }>(setup.databaseUrl, `SELECT pid FROM contexts WHERE name = 'tree' AND state IN ${LIVE}`);
    const children = descendants(start.pid!);
    // By its command line: the scheduler's spare context worker has no children either.
    const gateway = children.find((pid) => commandLine(pid).includes(path.join('apps', 'gateway', 'dist', 'main.js')));
    tree = [...new Set([...children, worker, sleep])];
    expect(tree.length).toBeGreaterThanOrEqual(4); // gateway, scheduler, worker, sleep
    expect(tree.every((pid) => !processGone(pid))).toBe(true);
    return { pids: tree, gateway: gateway!, sleep };
  }

  const allGone = (pids: number[]) => eventually(async () => (pids.every(processGone) ? true : undefined), 20_000);

  it('ends gateway, scheduler, context workers and their jobs\' children when start.js is SIGKILLed', async () => {
    const { pids } = await startTree();
    start!.kill('SIGKILL');
    await allGone(pids);
  });

  it('stops everything when the gateway is SIGKILLed', async () => {
    const { pids, gateway } = await startTree();
    const exited = new Promise((resolve) => start!.once('exit', resolve));
    process.kill(gateway, 'SIGKILL');
    await exited;
    await allGone(pids);
  });
});
