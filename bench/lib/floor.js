'use strict';
// Starts the floor harness (bench/floor): front and router as forked processes, the router
// forking one worker process per context, in a database and Redis prefix of their own.

const { fork } = require('node:child_process');
const path = require('node:path');
const { Target } = require('./target');
const { request, json } = require('./http-client');
const { createDatabase, newPrefix, deleteKeys, freePort, REDIS_URL } = require('./services');

const FLOOR = path.resolve(__dirname, '../floor');

function forkReady(file, env) {
  const child = fork(path.join(FLOOR, file), [], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`floor ${file}: not ready within 30 s`)),
      30_000,
    );
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`floor ${file} exited with ${code}`)));
  });
  return { child, ready };
}

/** Starts the floor; returns its Target (same REST subset as jobserver, plus /_stats). */
async function startFloor() {
  const db = await createDatabase('floor');
  const prefix = newPrefix('floor');
  const port = await freePort();
  const target = new Target('floor', `http://127.0.0.1:${port}`, db.url);
  const children = [];
  target.cleanups.push(async () => {
    await db.drop();
    await deleteKeys(prefix);
  });
  target.stopProcesses = async () => {
    // SIGTERM lets the router SIGKILL its workers first.
    for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))),
    );
  };
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL,
    PREFIX: prefix,
    PORT: String(port),
  };
  try {
    for (const file of ['router.js', 'front.js']) {
      const { child, ready } = forkReady(file, env);
      children.push(child);
      await ready;
    }
    target.pids = { 'HTTP front': children[1].pid, router: children[0].pid };
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}

/** The floor front's per-stage summary since the last reset (and resets it). */
async function floorStages(target) {
  const res = await request(target.url, 'DELETE', '/_stats');
  return json(res);
}

module.exports = { startFloor, floorStages };
