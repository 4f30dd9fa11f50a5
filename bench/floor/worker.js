'use strict';
// Floor harness, hop 3: one process per context. Consumes `ctx.<name>`, runs the job,
// UPDATEs its row with the result, then publishes the finished event (Postgres first, as
// jobserver's design requires). Ad-hoc workers exit after their one job.

const { Worker } = require('bullmq');
const Redis = require('ioredis');
const { Pool } = require('pg');
const { CLAIM_JOB, END_JOB, wordCount } = require('./schema');
const { now } = require('../lib/stats');

const { REDIS_URL, DATABASE_URL, PREFIX, CONTEXT, CONCURRENCY, AD_HOC } = process.env;

const pool = new Pool({ connectionString: DATABASE_URL, max: 10 });
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const publish = (event) => redis.publish(`${PREFIX}:events`, JSON.stringify(event));
let worker;

async function run(job) {
  const tw = now();
  const message = job.data;
  if (message.async) void publish({ k: 'job', id: message.jobId, s: 'STARTED' });
  if (message.claim) await pool.query(CLAIM_JOB, [message.jobId]);
  const tc = now();
  const result = JSON.stringify(wordCount(JSON.parse(message.config)));
  const tx = now();
  const { rowCount } = await pool.query(END_JOB, [message.jobId, result]);
  const tu = now();
  if (rowCount === 1)
    await publish({
      k: 'job',
      id: message.jobId,
      s: 'FINISHED',
      r: result,
      ts: [message.tr, tw, tc, tx, tu],
    });
  if (AD_HOC) setImmediate(() => void shutdown(0));
}

async function shutdown(code) {
  await worker?.close(true).catch(() => undefined);
  await pool.end().catch(() => undefined);
  redis.disconnect();
  process.exit(code);
}

async function main() {
  await pool.query('SELECT 1');
  worker = new Worker(`ctx.${CONTEXT}`, run, {
    connection: redis.duplicate(),
    prefix: PREFIX,
    concurrency: Number(CONCURRENCY) || 8,
    maxStalledCount: 0,
  });
  worker.on('error', (error) => console.error(`floor worker ${CONTEXT}:`, error.message));
  await worker.waitUntilReady();
  process.send?.({ ready: true });
  process.on('disconnect', () => void shutdown(0));
}

main().catch((error) => {
  process.send?.({ error: error.message });
  process.exit(1);
});
