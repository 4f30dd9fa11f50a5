'use strict';
// Starts a jobserver of the bench's own (database, Redis prefix, port): the built gateway and
// scheduler as child processes, the scheduler spawning one context-worker per context.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Target } = require('./target');
const { request, setOriginHeaders } = require('./http-client');
const {
  createDatabase,
  newPrefix,
  deleteKeys,
  freePort,
  killPid,
  REDIS_URL,
} = require('./services');
const Redis = require('ioredis');
const { sleep } = require('./stats');

const ROOT = path.resolve(__dirname, '../..');
const MAIN = {
  gateway: path.join(ROOT, 'apps/gateway/dist/main.js'),
  scheduler: path.join(ROOT, 'apps/scheduler/dist/main.js'),
};
const BUNDLE = path.join(ROOT, 'examples/dist/jobserver-examples.mjs');

/**
 * The scheduler logs "running (launcher …)" at info level, which LOG_LEVEL=warn hides; so it
 * counts as ready once that line shows or its two BullMQ consumers are connected to Redis.
 */
async function waitForScheduler(child, prefix) {
  let seen = '';
  child.stdout.on('data', (chunk) => (seen = (seen + chunk.toString()).slice(-10_000)));
  const names = ['submit', 'context-commands'].map(
    (q) => `name=${prefix}:${Buffer.from(q).toString('base64')} `,
  );
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`scheduler exited with ${child.exitCode}`);
      if (seen.includes('running (launcher')) return;
      const clients = await redis.client('LIST');
      if (names.every((n) => clients.includes(n))) return;
      await sleep(100);
    }
    throw new Error('scheduler not ready within 60 s');
  } finally {
    redis.disconnect();
  }
}

async function waitForHealth(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ok = await request(url, 'GET', '/healthz').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error('gateway did not become healthy in 60 s');
}

/**
 * Starts jobserver and uploads the example bundle as app `bench`; returns its Target.
 * With `profileDir`, every jobserver process samples its CPU (see cpu-profile-preload.js);
 * `env` adds variables to both processes' environment (e.g. JOBSERVER_AUTH), `headers` go with every request to it.
 */
async function startJobserver({ profileDir, name = 'jobserver', env: extraEnv = {}, headers, embedded = false } = {}) {
  for (const file of [...Object.values(MAIN), BUNDLE]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  const db = embedded ? await startEmbeddedPostgres() : await createDatabase('jobserver');
  // As scripts/start.js runs it on the embedded Postgres: its connections share one session.
  if (embedded) extraEnv = { JOBSERVER_DATABASE_POOL_SIZE: '4', JOBSERVER_PREPARED_STATEMENTS: 'false', ...extraEnv };
  const prefix = newPrefix('js');
  const port = await freePort();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const target = new Target(name, `http://127.0.0.1:${port}`, db.url);
  if (headers) setOriginHeaders(target.url, headers);
  target.logDir = logDir;
  target.prefix = prefix;
  const children = [];
  target.cleanups.push(async () => {
    await db.drop();
    await deleteKeys(prefix);
    if (target.keepLogs) console.error(`  jobserver logs kept in ${logDir}`);
    else fs.rmSync(logDir, { recursive: true, force: true });
  });
  target.stopProcesses = async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rememberWorkerPids(target);
    for (const pid of target.workerPids ?? []) killPid(pid);
  };
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL,
    PORT: String(port),
    JOBSERVER_PREFIX: prefix,
    JOBSERVER_HOST: '127.0.0.1',
    JOBSERVER_BUNDLE_CACHE_DIR: path.join(logDir, 'bundle-cache'),
    LOG_LEVEL: 'warn',
    // The context-scaling item keeps 100 contexts live besides its own (max-contexts defaults to 30).
    JOBSERVER_MAX_CONTEXTS: '120',
    ...extraEnv,
    ...(profileDir
      ? {
          NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile-preload.js')}`,
          BENCH_PROFILE_DIR: profileDir,
          // A context worker's env keeps only PATH, HOME, … and the job-env variables: without
          // these two in job-env it would not load the preload (no context-worker profiles).
          JOBSERVER_JOB_ENV: [extraEnv.JOBSERVER_JOB_ENV ?? process.env.JOBSERVER_JOB_ENV, 'NODE_OPTIONS', 'BENCH_PROFILE_DIR'].filter(Boolean).join(','),
        }
      : {}),
  };
  try {
    await launch(target, env, logDir, children);
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}

async function launch(target, env, logDir, children) {
  for (const app of ['scheduler', 'gateway']) {
    const log = fs.createWriteStream(path.join(logDir, `${app}.log`));
    const child = spawn(process.execPath, [MAIN[app]], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Both streams feed one file: neither may end it while the other still writes.
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    children.push(child);
    target[app] = child;
    await (app === 'gateway'
      ? waitForHealth(target.url, child)
      : waitForScheduler(child, env.JOBSERVER_PREFIX));
  }
  target.pids = { 'HTTP front': target.gateway.pid, router: target.scheduler.pid };
  const upload = await request(target.url, 'POST', '/binaries/bench', fs.readFileSync(BUNDLE));
  if (upload.status !== 201)
    throw new Error(`upload of the example bundle failed: ${upload.status} ${upload.text}`);
}

/** The embedded Postgres of `npm start` (PGlite) in a child process of its own; `drop()` stops it and removes its data. */
async function startEmbeddedPostgres() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'embedded-pg-child.js'), dataDir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const match = /ready (\S+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded Postgres exited with ${code}`)));
  });
  return {
    url,
    drop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Kills every context-worker jobserver launched (the scheduler's children outlive it). */
async function rememberWorkerPids(target) {
  // Live contexts only, and only pids that still run a context worker: an ended context's pid
  // may belong to another process by now (it was SIGKILLed: another run's gateway, once).
  const rows = await target
    .query(`SELECT pid FROM contexts WHERE pid IS NOT NULL AND state IN ('STARTED', 'RUNNING', 'STOPPING', 'RESTARTING')`)
    .catch(() => []);
  const workers = rows.map((r) => r.pid).filter(isContextWorker);
  target.workerPids = [...new Set([...(target.workerPids ?? []).filter(isContextWorker), ...workers])];
}

/** Whether `pid` runs a context worker now (its command line names the app). */
function isContextWorker(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('context-worker');
  } catch {
    return false;
  }
}

/** The pid of a live context's worker process. */
async function contextPid(target, name) {
  const rows = await target.query(
    `SELECT pid FROM contexts WHERE name = $1 AND state = 'RUNNING'`,
    [name],
  );
  return rows[0]?.pid ?? null;
}

module.exports = { startJobserver, rememberWorkerPids, contextPid };
