'use strict';
// The Postgres-backed Node job queues a user would pick instead of jobserver (issue 15): pg-boss
// and graphile-worker, each on a database of its own on the same Postgres, with its documented
// fast settings, running the same trivial job (n → n², the result stored in a table, since both
// delete or archive finished jobs). Each peer's producer and workers run in this process, as a
// user's one Node service would run them. Three figures each: single submits at 64 in flight,
// batch submits, and sequential add → complete latency.

const { Pool } = require('pg');
const { createDatabase } = require('./services');
const { now, summarize, round } = require('./stats');

const QUEUE = 'square';
const RESULTS_TABLE = 'CREATE TABLE results (id text PRIMARY KEY, result jsonb NOT NULL, stored_at timestamptz NOT NULL DEFAULT now())';

/** Resolves waiters by job key when a peer's handler has stored that job's result. */
class Completions {
  constructor() {
    this.waiters = new Map();
    this.count = 0;
  }
  wait(key) {
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }
  done(keys) {
    this.count += keys.length;
    for (const key of keys) {
      const resolve = this.waiters.get(key);
      if (resolve) {
        this.waiters.delete(key);
        resolve();
      }
    }
  }
  /** Resolves once `total` completions were counted since the last reset. */
  async until(total, timeoutMs = 300_000) {
    const deadline = now() + timeoutMs;
    while (this.count < total) {
      if (now() > deadline) throw new Error(`only ${this.count} of ${total} jobs completed`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/**
 * pg-boss 10: `send` / `insert` in batches of 5,000; four `work` loops fetching up to 250 jobs
 * each, polling every 0.5 s (its minimum), results stored one INSERT per fetched batch.
 */
async function startPgBoss() {
  const PgBoss = require('pg-boss');
  const db = await createDatabase('pgboss');
  const results = new Pool({ connectionString: db.url, max: 4 });
  // The database is dropped WITH (FORCE) at the end: an idle connection's error then is expected.
  results.on('error', () => undefined);
  await results.query(RESULTS_TABLE);
  const boss = new PgBoss({ connectionString: db.url, max: 10, schedule: false, supervise: true });
  boss.on('error', (error) => console.error('pg-boss:', error.message));
  await boss.start();
  await boss.createQueue(QUEUE);
  const completions = new Completions();
  const handler = async (jobs) => {
    const ids = jobs.map((job) => job.data.key);
    const values = jobs.map((job) => JSON.stringify({ square: job.data.n * job.data.n }));
    await results.query('INSERT INTO results (id, result) SELECT * FROM unnest($1::text[], $2::jsonb[])', [ids, values]);
    completions.done(ids);
  };
  // Polling bounds its throughput (workers × batchSize per 0.5 s): four workers of 250 each.
  const workers = [];
  for (let i = 0; i < 4; i++) workers.push(await boss.work(QUEUE, { batchSize: 250, pollingIntervalSeconds: 0.5 }, handler));
  return {
    name: 'pg-boss 10.1.6',
    completions,
    send: (data) => boss.send(QUEUE, data),
    sendBatch: (items) => boss.insert(items.map((data) => ({ name: QUEUE, data }))),
    batchSize: 5000,
    // A producer in the workers' process may wake them at once (pg-boss has no LISTEN/NOTIFY).
    wake: () => workers.forEach((id) => boss.notifyWorker(id)),
    async close() {
      await boss.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => undefined);
      await results.end();
      await db.drop();
    },
  };
}

/**
 * graphile-worker 0.17: `addJob` / `addJobs` in batches of 1,000; 64 concurrent jobs, a local
 * queue fetching jobs in batches, completions batched; LISTEN/NOTIFY wakes it on each add.
 */
async function startGraphileWorker() {
  const { run, makeWorkerUtils } = require('graphile-worker');
  const db = await createDatabase('graphile');
  const pool = new Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  await pool.query(RESULTS_TABLE);
  const completions = new Completions();
  const preset = {
    worker: {
      connectionString: db.url,
      concurrentJobs: 64,
      maxPoolSize: 12,
      pollInterval: 2000,
      localQueue: { size: 65 },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
    },
  };
  const utils = await makeWorkerUtils({ connectionString: db.url });
  await utils.migrate();
  const runner = await run({
    preset,
    noHandleSignals: true,
    taskList: {
      [QUEUE]: async (payload) => {
        await pool.query('INSERT INTO results (id, result) VALUES ($1, $2)', [payload.key, { square: payload.n * payload.n }]);
        completions.done([payload.key]);
      },
    },
    logger: quietLogger(),
  });
  return {
    name: 'graphile-worker 0.17.3',
    completions,
    send: (data) => utils.addJob(QUEUE, data),
    sendBatch: (items) => utils.addJobs(items.map((payload) => ({ identifier: QUEUE, payload }))),
    batchSize: 1000,
    wake: () => undefined,
    async close() {
      await runner.stop().catch(() => undefined);
      await utils.release();
      await pool.end();
      await db.drop();
    },
  };
}

function quietLogger() {
  const { Logger } = require('graphile-worker');
  return new Logger(() => (level, message) => {
    if (level === 'error') console.error('graphile-worker:', message);
  });
}

/** Single submits, `inFlight` at a time, until every result is stored: jobs/s. */
async function singleSubmits(peer, total, inFlight, tag) {
  peer.completions.count = 0;
  let next = 0;
  const t0 = now();
  const lane = async () => {
    while (next < total) {
      const i = next++;
      await peer.send({ key: `${tag}-${i}`, n: i });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const postsMs = now() - t0;
  await peer.completions.until(total);
  const ms = now() - t0;
  return { n: total, jobsPerSec: round((total / ms) * 1000, 0), submitMs: round(postsMs, 0) };
}

/** Batch submits of the peer's documented batch size, one after the other: jobs/s to the last result. */
async function batchSubmits(peer, total, tag) {
  peer.completions.count = 0;
  const t0 = now();
  for (let start = 0; start < total; start += peer.batchSize) {
    const items = [];
    for (let i = start; i < Math.min(total, start + peer.batchSize); i++) items.push({ key: `${tag}-${i}`, n: i });
    await peer.sendBatch(items);
  }
  await peer.completions.until(total);
  const ms = now() - t0;
  return { n: total, batch: peer.batchSize, jobsPerSec: round((total / ms) * 1000, 0) };
}

/** One job at a time, add → its result stored: latency percentiles. */
async function sequential(peer, count, tag) {
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const key = `${tag}-${i}`;
    const done = peer.completions.wait(key);
    const t0 = now();
    await peer.send({ key, n: i });
    peer.wake();
    await done;
    latencies.push(now() - t0);
  }
  return summarize(latencies);
}

/** Runs the three peer figures on each peer in turn; answers `{[peer name]: figures}`. */
async function peersItem(sizes, log) {
  const out = {};
  for (const start of [startPgBoss, startGraphileWorker]) {
    const peer = await start();
    try {
      log(`8. ${peer.name}: warming up`);
      await singleSubmits(peer, 500, sizes.inFlight, 'warm');
      const single = await singleSubmits(peer, sizes.peerJobs, sizes.inFlight, 'single');
      log(`8. ${peer.name}: single submits at ${sizes.inFlight} in flight: ${single.jobsPerSec} jobs/s`);
      const batch = await batchSubmits(peer, sizes.peerBatchJobs, 'batch');
      log(`8. ${peer.name}: batch submits of ${batch.batch}: ${batch.jobsPerSec} jobs/s`);
      const seq = await sequential(peer, sizes.peerSeq, 'seq');
      log(`8. ${peer.name}: sequential add → complete p50 ${seq.p50} ms, p99 ${seq.p99} ms`);
      out[peer.name] = { single, batch, seq };
    } finally {
      await peer.close();
    }
  }
  return out;
}

module.exports = { peersItem };
