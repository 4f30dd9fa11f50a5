'use strict';
// Floor harness, hop 1: a plain node:http front. INSERT the job, add it to the `submit`
// queue, wait on ONE Redis subscriber (a map of waiters) for the worker's event, answer.
// Only what the bench calls: POST /jobs, POST|DELETE /contexts/<name>, GET /healthz, /_stats.

const http = require('node:http');
const { randomUUID, randomBytes } = require('node:crypto');
const { Queue } = require('bullmq');
const Redis = require('ioredis');
const { Pool } = require('pg');
const { JOBS_TABLE, INSERT_JOB, parseBody } = require('./schema');
const { now, summarize } = require('../lib/stats');

const { PORT, DATABASE_URL, REDIS_URL, PREFIX } = process.env;
const SHA = 'f'.repeat(64);
const JOB_CLASS = 'spark.jobserver.WordCountExample';
const STAGES = [
  'front: parse + INSERT',
  'submit queue → router',
  'router → ctx queue → worker',
  'claim UPDATE (variant)',
  'run job',
  'end UPDATE',
  'pub/sub → front',
  'reply',
];

const pool = new Pool({ connectionString: DATABASE_URL, max: 10 });
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const subscriber = redis.duplicate();
const submit = new Queue('submit', { connection: redis, prefix: PREFIX });
const waiters = new Map();
let stages = STAGES.map(() => []);

subscriber.on('message', (_channel, raw) => {
  const event = JSON.parse(raw);
  event.te = now();
  const key = event.k === 'job' ? event.id : `context:${event.name}`;
  const waiter = waiters.get(key);
  if (waiter && waiter.accept(event)) {
    waiters.delete(key);
    waiter.resolve(event);
  }
});

function waitFor(key, accept, timeoutMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters.delete(key);
      resolve(null);
    }, timeoutMs);
    waiters.set(key, { accept, resolve: (e) => (clearTimeout(timer), resolve(e)) });
  });
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function postJob(url, text, res, t0) {
  const q = url.searchParams;
  if (q.get('classPath') !== JOB_CLASS)
    return send(res, 404, { status: 'ERROR', result: `classPath ${q.get('classPath')} not found` });
  const sync = q.get('sync') === 'true';
  const config = parseBody(text);
  const adHoc = !q.get('context');
  const context = q.get('context') || `${randomBytes(4).toString('hex')}-${JOB_CLASS}`;
  const jobId = randomUUID();
  const configText = JSON.stringify(config);
  await pool.query(INSERT_JOB, [
    jobId,
    q.get('appName'),
    SHA,
    JOB_CLASS,
    context,
    adHoc,
    configText,
  ]);
  const t1 = now();
  const event = waitFor(jobId, (e) => (sync ? e.s !== 'STARTED' : true), 60_000);
  const message = {
    jobId,
    context,
    adHoc,
    classPath: JOB_CLASS,
    config: configText,
    async: !sync,
    claim: q.get('claim') === '1',
  };
  await submit.add('job', message, { jobId, removeOnComplete: true, removeOnFail: true });
  const e = await event;
  if (!e)
    return send(res, 202, { status: sync ? 'RUNNING' : 'QUEUED', result: { jobId, context } });
  if (e.s === 'ERROR')
    return send(res, 404, { status: 'ERROR', result: `context ${context} not found` });
  if (!sync)
    return send(res, 202, { status: 'STARTED', result: { jobId, context }, jobId, context });
  send(res, 200, { status: 'OK', result: JSON.parse(e.r), jobId });
  if (!adHoc) record([t0, t1, ...e.ts, e.te, now()]);
}

/** t = [got request, INSERT done, router got, worker got, claimed, ran, UPDATE done, got event, replied]. */
function record(t) {
  for (let i = 0; i < STAGES.length; i++) stages[i].push(t[i + 1] - t[i]);
}

async function postContext(name, url, res) {
  const concurrency = Number(url.searchParams.get('max-jobs-per-context') ?? 8);
  const ready = waitFor(
    `context:${name}`,
    (e) => e.state === 'RUNNING' || e.state === 'ERROR',
    60_000,
  );
  await redis.publish(`${PREFIX}:commands`, JSON.stringify({ op: 'create', name, concurrency }));
  const e = await ready;
  if (!e || e.state !== 'RUNNING')
    return send(res, 500, { status: 'CONTEXT INIT ERROR', result: e?.error ?? 'timeout' });
  send(res, 200, { status: 'SUCCESS', result: 'Context initialized', pid: e.pid });
}

async function deleteContext(name, res) {
  const gone = waitFor(`context:${name}`, (e) => e.state === 'FINISHED', 10_000);
  await redis.publish(`${PREFIX}:commands`, JSON.stringify({ op: 'stop', name }));
  const e = await gone;
  if (!e) return send(res, 404, { status: 'ERROR', result: `context ${name} not found` });
  send(res, 200, { status: 'SUCCESS', result: 'Context stopped' });
}

function stats(res, reset) {
  const body = Object.fromEntries(STAGES.map((name, i) => [name, summarize(stages[i])]));
  if (reset) stages = STAGES.map(() => []);
  send(res, 200, body);
}

async function handle(req, res) {
  const t0 = now();
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const url = new URL(req.url, 'http://floor');
  const ctx = /^\/contexts\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'POST' && url.pathname === '/jobs')
    return postJob(url, Buffer.concat(chunks).toString(), res, t0);
  if (req.method === 'POST' && ctx) return postContext(ctx[1], url, res);
  if (req.method === 'DELETE' && ctx) return deleteContext(ctx[1], res);
  if (url.pathname === '/_stats') return stats(res, req.method === 'DELETE');
  if (url.pathname === '/healthz') return send(res, 200, { status: 'SUCCESS' });
  send(res, 404, { status: 'ERROR', result: 'not found' });
}

async function main() {
  for (const sql of JOBS_TABLE) await pool.query(sql);
  await subscriber.subscribe(`${PREFIX}:events`);
  await submit.waitUntilReady();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { status: 'ERROR', result: error.message }));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(PORT), '127.0.0.1', () => process.send?.({ ready: true }));
}

main().catch((error) => {
  console.error('floor front:', error);
  process.exit(1);
});
