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
  // Jobs of the context workers run as this OS user: they can read /proc/<pid>/environ of ours.
  require(path.join(root, 'libs/config/dist')).hideSecretsFromEnviron();
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
  /** Stops the apps in order, each given STOP_GRACE_MS, saying what it does. */
  const stop = async (code, why) => {
    if (stopping) return;
    stopping = true;
    if (why) console.log(`\n${why}: stopping jobserver`);
    // The gateway first (no new requests), then the scheduler (it stops its context workers), then Postgres.
    for (const { name, child } of [...children].reverse()) {
      console.log(`  stopping ${name}${name === 'scheduler' ? ' and its context workers' : ''}…`);
      await stopChild(child);
    }
    if (embedded) {
      console.log('  stopping embedded Postgres…');
      await embedded.stop();
    }
    if (why) console.log('jobserver stopped');
    process.exit(code);
  };
  for (const [name, main] of Object.entries(apps)) {
    // Own process groups: a terminal's Ctrl-C reaches this process only, which stops the apps in order.
    const child = spawn(process.execPath, [main], { env, stdio: ['pipe', 'inherit', 'inherit'], detached: true });
    child.stdin.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${name} exited (${signal ?? code}); stopping jobserver`);
        void stop(1);
      }
    });
    children.push({ name, child });
    // Let the scheduler run migrations first, so that two migrators do not queue on PGlite.
    if (name === 'scheduler') await new Promise((r) => setTimeout(r, 1500));
  }
  process.on('SIGINT', () => void stop(0, 'Ctrl-C'));
  process.on('SIGTERM', () => void stop(0, 'SIGTERM'));
  const { loadServerConfig } = require(path.join(root, 'libs/config/dist'));
  const config = await loadServerConfig(env);
  if (!(await answers(config))) return;
  // After the apps' own start-up lines (their log transport writes a moment later).
  await new Promise((r) => setTimeout(r, 300));
  if (!stopping) console.log(banner(config, embedded));
}

/** How long an app may take to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The gateway's base URL as a browser on this machine reaches it. */
function baseUrl(config) {
  const host = !config.host || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** Waits (up to a minute) for the gateway's /healthz; false if it never answered. */
async function answers(config) {
  const url = `${baseUrl(config)}/healthz`;
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function banner(config, embedded) {
  const url = baseUrl(config);
  const database = embedded ? `embedded (PGlite), data in ${embedded.dataDir ?? 'data/pglite'}` : redact(config.databaseUrl);
  return [
    '',
    'jobserver is running',
    `  REST API  ${url}/`,
    `  Web UI    ${url}/  (in a browser)`,
    `  OpenAPI   ${url}/api-docs`,
    `  Postgres  ${database}`,
    `  Redis     ${redact(config.redisUrl)}`,
    `  auth      ${config.auth.enabled ? 'on' : 'off (anyone who reaches the port may do anything)'}`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/** A URL without its password. */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
