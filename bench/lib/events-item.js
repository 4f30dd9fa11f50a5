'use strict';
// `npm run bench -- --events`: the job events items of issue 10.
// (a) a job calling ctx.progress 1000 times in one second: the progress events persisted, and the
//     delay from ctx.progress (its wall-clock time rides in the progress message) to an SSE client
//     on its own gateway connection;
// (b) async throughput (item 3's load) with 200 SSE clients on the gateway against without them:
//     200 per-job streams of quiet running jobs that report progress every second, and 200
//     unfiltered firehose clients.

const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startJobserver } = require('./jobserver');
const { request, json } = require('./http-client');
const Redis = require('ioredis');
const { openStream, wallMs } = require('./sse-client');
const { REDIS_URL } = require('./services');
const sc = require('./scenarios');
const { CpuMeter } = require('./cpu');
const { summarize, round } = require('./stats');

const EVENTS_BUNDLE = `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const ProgressFlood = {
  async runJob(ctx, config) {
    await sleep(config.delayMs);
    const start = performance.now();
    for (let i = 1; i <= config.n; i++) {
      ctx.progress({ done: i, total: config.n, message: String(performance.timeOrigin + performance.now()) });
      const ahead = start + (i * config.spanMs) / config.n - performance.now();
      if (ahead >= 1) await sleep(ahead);
    }
    return config.n;
  },
};
export const Quiet = {
  async runJob(ctx) {
    for (let i = 0; !ctx.signal.aborted; i++) {
      ctx.progress({ done: i % 100, total: 100 });
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 1000);
        ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  },
};
`;

const SIZES = {
  quick: { floods: 5, async: 2000, rounds: 1, clients: 200 },
  full: { floods: 20, async: 6000, rounds: 2, clients: 200 },
};

async function uploadEventsBundle(t) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-events-')), 'events.mjs');
  fs.writeFileSync(file, EVENTS_BUNDLE);
  const res = await request(t.url, 'POST', '/binaries/events', fs.readFileSync(file));
  if (res.status !== 201) throw new Error(`upload of the events bundle: ${res.status} ${res.text}`);
}

async function submit(t, classPath, context, config) {
  const res = await request(t.url, 'POST', `/jobs?appName=events&classPath=${classPath}&context=${context}`, JSON.stringify(config));
  if (res.status !== 202) throw new Error(`submit ${classPath}: ${res.status} ${res.text.slice(0, 200)}`);
  return json(res).jobId;
}

/**
 * (a) One flood job at a time; its stream measures each progress event's delay. A Redis
 * subscriber of the bench's own on the detail channel splits it: ctx.progress → published batch
 * (thread, worker, Postgres, Redis), and that → the SSE client (the gateway's part).
 */
async function progressLatency(t, floods, log) {
  const delays = [];
  const viaGateway = [];
  const persisted = [];
  const published = new Map();
  const subscriber = new Redis(REDIS_URL);
  await subscriber.subscribe(`${t.prefix}:job-details`);
  subscriber.on('message', (_channel, raw) => {
    const at = wallMs();
    for (const event of JSON.parse(raw).events) published.set(`${event.seq}`, at);
  });
  for (let f = 0; f < floods; f++) {
    const jobId = await submit(t, 'ProgressFlood', 'events', { n: 1000, spanMs: 1000, delayMs: 300 });
    let finished = false;
    published.clear();
    const stream = await openStream(`${t.url}/jobs/${jobId}/events`, (type, data, id, at) => {
      if (type === 'finished') finished = true;
      if (type !== 'progress') return;
      const sent = Number(JSON.parse(data).message);
      if (sent) delays.push(at - sent);
      if (published.has(id)) viaGateway.push(at - published.get(id));
    });
    await stream.ended;
    if (!finished) throw new Error(`flood job ${jobId}: stream ended without its finished event`);
    const [{ n }] = await t.query(`SELECT count(*)::int AS n FROM job_events WHERE job_id = $1 AND type = 'progress'`, [jobId]);
    const [{ progress }] = await t.query('SELECT progress FROM jobs WHERE id = $1', [jobId]);
    if (progress?.done !== 1000) throw new Error(`flood job ${jobId}: last progress ${JSON.stringify(progress)} is not 1000/1000`);
    persisted.push(n);
  }
  subscriber.disconnect();
  const delay = summarize(delays);
  const gateway = summarize(viaGateway);
  log(`(a) progress → SSE delay over ${delays.length} events: p50 ${delay.p50} ms, p99 ${delay.p99} ms (goal p50 ≤ 5 ms); of which Redis message → SSE client p50 ${gateway.p50} ms, p99 ${gateway.p99} ms; persisted progress rows per 1000 calls: ${persisted.join(', ')}`);
  return { delay, gateway, persistedPerJob: persisted };
}

/** 200 per-job streams of quiet running jobs; returns the clean-up. */
async function quietStreams(t, clients) {
  const ids = await Promise.all(Array.from({ length: clients }, () => submit(t, 'Quiet', 'quiet', {})));
  let progressSeen = 0;
  const streams = await Promise.all(ids.map((id) => openStream(`${t.url}/jobs/${id}/events`, (type) => type === 'progress' && progressSeen++)));
  await t.waitFor(async () => progressSeen >= clients, 30_000);
  return async () => {
    await Promise.all(ids.map((id) => request(t.url, 'DELETE', `/jobs/${id}`)));
    await Promise.all(streams.map((s) => s.ended));
    return progressSeen;
  };
}

/** 200 unfiltered firehose clients, in a process of their own; returns the clean-up. */
async function firehoseStreams(t, clients) {
  const child = fork(path.join(__dirname, 'sse-clients-child.js'));
  const reply = () => new Promise((resolve) => child.once('message', resolve));
  child.send({ open: Array.from({ length: clients }, () => `${t.url}/events`) });
  const { opened } = await reply();
  if (opened !== clients) throw new Error(`${opened} of ${clients} firehose clients opened`);
  return async () => {
    child.send({ close: true });
    return (await reply()).received;
  };
}

/** (b) item 3's async load without SSE clients, with 200 quiet per-job streams, with 200 firehose clients. */
async function throughputWithStreams(t, sizes, log) {
  const runs = { none: [], jobStreams: [], firehose: [] };
  const gatewayCpu = { none: [], jobStreams: [], firehose: [] };
  // A warm-up run first (the first async run of a context is slow), then rounds in turned order.
  await t.truncateJobs();
  await sc.asyncThroughput(t, 'bench', Math.min(1000, sizes.async), 64);
  for (let r = 0; r < sizes.rounds; r++) {
    const kinds = Object.keys(runs);
    for (const kind of r % 2 ? kinds.reverse() : kinds) {
      await t.truncateJobs();
      const cleanup = kind === 'jobStreams' ? await quietStreams(t, sizes.clients) : kind === 'firehose' ? await firehoseStreams(t, sizes.clients) : undefined;
      const cpu = new CpuMeter();
      await cpu.start(t);
      const result = await sc.asyncThroughput(t, 'bench', sizes.async, 64);
      await cpu.stop(t, sizes.async);
      const events = cleanup ? await cleanup() : 0;
      runs[kind].push(result.jobsPerSec);
      const gatewayMs = cpu.perJob()['HTTP front'];
      gatewayCpu[kind].push(gatewayMs);
      log(`(b) ${kind}: ${result.jobsPerSec} jobs/s, gateway CPU ${gatewayMs} ms/job${cleanup ? ` (${events} events received by the ${sizes.clients} clients)` : ''}`);
    }
  }
  const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
  const base = mean(runs.none);
  const ratios = { jobStreams: round(mean(runs.jobStreams) / base, 2), firehose: round(mean(runs.firehose) / base, 2) };
  log(`(b) throughput ratio with ${sizes.clients} SSE clients: per-job streams ${ratios.jobStreams}×, firehose ${ratios.firehose}× (goal ≥ 0.7×)`);
  return { jobsPerSec: runs, gatewayCpuMsPerJob: gatewayCpu, ratios };
}

async function eventsItem(targets, quick, log) {
  const sizes = quick ? SIZES.quick : SIZES.full;
  log('starting jobserver');
  const t = (targets.jobserver = await startJobserver());
  await uploadEventsBundle(t);
  await t.createContext('events', 'max-jobs-per-context=4');
  await t.createContext('quiet', `max-jobs-per-context=${sizes.clients}`);
  await t.createContext('bench', 'max-jobs-per-context=64');
  await sc.sequentialSync(t, 'bench', 200);
  const latency = await progressLatency(t, sizes.floods, log);
  const throughput = await throughputWithStreams(t, sizes, log);
  return { progressLatency: latency, throughput };
}

/** The Markdown table of the events items. */
function eventsTable({ progressLatency, throughput }) {
  const { delay, gateway, persistedPerJob } = progressLatency;
  const runs = (list) => list.join(' / ');
  return [
    '| measure | value | goal |',
    '| --- | ---: | --- |',
    `| (a) ctx.progress → SSE client, p50 / p99 (n=${delay.n}) | ${delay.p50} / ${delay.p99} ms | p50 ≤ 5 ms |`,
    `| (a) of which the published Redis message → SSE client, p50 / p99 | ${gateway.p50} / ${gateway.p99} ms | |`,
    `| (a) progress rows persisted per 1000 calls in 1 s | ${runs(persistedPerJob)} | progress-rate (10/s), the last always |`,
    `| (b) async jobs/s (gateway CPU ms/job), no SSE clients | ${runs(throughput.jobsPerSec.none)} (${runs(throughput.gatewayCpuMsPerJob.none)}) | |`,
    `| (b) the same, 200 per-job streams (quiet jobs) | ${runs(throughput.jobsPerSec.jobStreams)} (${runs(throughput.gatewayCpuMsPerJob.jobStreams)}): ${throughput.ratios.jobStreams}× | ≥ 0.7× |`,
    `| (b) the same, 200 firehose clients | ${runs(throughput.jobsPerSec.firehose)} (${runs(throughput.gatewayCpuMsPerJob.firehose)}): ${throughput.ratios.firehose}× | ≥ 0.7× |`,
  ].join('\n');
}

module.exports = { eventsItem, eventsTable };
