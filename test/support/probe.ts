import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A job bundle that probes what user code can reach: `Env` answers the names (and, for names
 * starting with `JOB_`, the values) of its `process.env`; `Environ` answers the variable names in
 * `/proc/<pid>/environ` of another process; `Spawn` starts `sleep 1000` and answers its pid.
 */
export const PROBE_BUNDLE = `
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
export const Env = { runJob: () => ({ names: Object.keys(process.env).sort(), job: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('JOB_'))) }) };
export const Environ = { runJob: (_ctx, config) => {
  try { return { names: readFileSync('/proc/' + config.pid + '/environ', 'utf8').split('\\0').filter(Boolean).map((l) => l.split('=')[0]) }; }
  catch (error) { return { error: error.code } }
} };
export const ParentEnviron = { runJob: () => {
  try { return { ppid: process.ppid, text: readFileSync('/proc/' + process.ppid + '/environ', 'latin1') }; }
  catch (error) { return { error: error.code } }
} };
export const Spawn = { runJob: () => { const child = spawn('sleep', ['1000'], { stdio: 'ignore' }); child.unref(); return { pid: child.pid }; } };
`;

/** Writes the probe bundle to a temp file and returns its path. */
export function probeBundleFile(): string {
  const file = path.join(os.tmpdir(), `jobserver-probe-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, PROBE_BUNDLE);
  return file;
}

/** Variable names that must never reach user code: the server's secrets and settings. */
export const secretNames = (names: string[]) =>
  names.filter((name) => name === 'DATABASE_URL' || name === 'REDIS_URL' || name.startsWith('JOBSERVER_'));

/** The variable names in `/proc/<pid>/environ`. */
export function environNames(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => line.split('=')[0]);
}

/** Field `n` (1-based, after the command) of `/proc/<pid>/stat`: 2 = ppid, 3 = pgrp. */
function statField(pid: number, n: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 1]);
  } catch {
    return undefined;
  }
}

/** Every live process descending from `root` (its children, their children, …). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    const ppid = Number.isInteger(pid) ? statField(pid, 2) : undefined;
    if (ppid !== undefined) parents.set(pid, ppid);
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [pid, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(pid);
      walk(pid);
    }
  };
  walk(root);
  return found;
}

/** The effective uid of a process (`Uid:` line of `/proc/<pid>/status`). */
export function processUid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'))!;
  return Number(line.split(/\s+/)[2]);
}

/**
 * Whether OS user `nobody` (uid 65534) can reach the built apps and the workspace's packages:
 * a clone under a 0700 folder (e.g. `mktemp -d`) cannot run workers as another user at all.
 */
export function appsReachableByNobody(): boolean {
  const root = path.resolve(__dirname, '../..');
  const files = [
    path.join(root, 'apps/context-worker/dist/main.js'),
    path.join(root, 'node_modules/@nestjs/core/package.json'),
  ];
  const check = `for (const f of ${JSON.stringify(files)}) require('fs').accessSync(f, require('fs').constants.R_OK)`;
  let status: number | null = null;
  try {
    status = spawnSync(process.execPath, ['-e', check], { uid: 65534, gid: 65534, stdio: 'ignore' }).status;
  } catch {
    // not root: no process can be started as another user
  }
  if (status === 0) return true;
  console.warn(`skipped: user nobody cannot read ${root} (a parent folder is closed to other users)`);
  return false;
}
