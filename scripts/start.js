#!/usr/bin/env node
// `npm start`: one jobserver on this machine — gateway (:8090) and scheduler as child
// processes (the scheduler spawns a context worker per context). Without DATABASE_URL it
// first starts an embedded Postgres (PGlite behind pglite-socket) kept in data/pglite.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const apps = {
  scheduler: path.join(root, 'apps/scheduler/dist/main.js'),
  gateway: path.join(root, 'apps/gateway/dist/main.js'),
};

async function embeddedPostgres() {
  const { startEmbeddedPostgres } = require('./embedded-postgres');
  const dataDir = process.env.JOBSERVER_EMBEDDED_PG_DIR || path.join(root, 'data', 'pglite');
  const port = Number(process.env.JOBSERVER_EMBEDDED_PG_PORT || 5497);
  const pg = await startEmbeddedPostgres({ dataDir, port });
  console.log(`embedded Postgres (PGlite) on 127.0.0.1:${port}, data in ${dataDir}`);
  return pg;
}

async function main() {
  const embedded = process.env.DATABASE_URL ? undefined : await embeddedPostgres();
  // stop-with-parent: each app exits when its stdin (a pipe from this process) closes, so that
  // the whole tree goes down with this process, even when it is SIGKILLed; the scheduler then
  // kills its context workers' process groups.
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || embedded.url,
    JOBSERVER_STOP_WITH_PARENT: 'true',
  };
  if (embedded) {
    env.JOBSERVER_DATABASE_POOL_SIZE ??= '4';
    // pglite-socket serves every connection from one session: named statements would collide.
    env.JOBSERVER_PREPARED_STATEMENTS ??= 'false';
  }
  const children = [];
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    if (embedded) await embedded.stop();
    process.exit(code);
  };
  for (const [name, main] of Object.entries(apps)) {
    const child = spawn(process.execPath, [main], { env, stdio: ['pipe', 'inherit', 'inherit'] });
    child.stdin.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${name} exited (${signal ?? code}); stopping jobserver`);
        void stop(1);
      }
    });
    children.push(child);
    // Let the scheduler run migrations first, so that two migrators do not queue on PGlite.
    if (name === 'scheduler') await new Promise((r) => setTimeout(r, 1500));
  }
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
