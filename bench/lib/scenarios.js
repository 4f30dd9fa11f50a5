'use strict';
// The measured scenarios (issue #5 items 1–6), identical for jobserver and the floor. Every
// answer is checked; a wrong answer or a lost job throws (the orchestrator fails loudly).

const { request, json, runLoad } = require('./http-client');
const { now, summarize, round, sleep } = require('./stats');
const { cpuMs } = require('./cpu');
const { memoryOf } = require('./memory');

const CLASS_PATH = 'spark.jobserver.WordCountExample';
const BODY = 'input.string = a b c a b see';
const EXPECTED = { a: 2, b: 2, c: 1, see: 1 };
const EXPECTED_TEXT = JSON.stringify(EXPECTED);

class BenchFailure extends Error {}

function jobPath(context, sync, extra = '') {
  const ctx = context ? `&context=${context}` : '';
  return `/jobs?appName=bench&classPath=${CLASS_PATH}${ctx}${sync ? '&sync=true' : ''}${extra}`;
}

function isExpected(result) {
  if (!result || typeof result !== 'object') return false;
  const keys = Object.keys(result);
  return keys.length === 4 && keys.every((k) => result[k] === EXPECTED[k]);
}

/** POSTs one sync job and checks the answer; resolves with the job id. */
async function syncJob(target, path) {
  const res = await request(target.url, 'POST', path, BODY);
  const body = res.status === 200 ? json(res) : undefined;
  if (!body || body.status !== 'OK' || !isExpected(body.result) || !body.jobId) {
    throw new BenchFailure(
      `${target.name}: wrong sync answer: HTTP ${res.status} ${res.text.slice(0, 300)}`,
    );
  }
  return body.jobId;
}

function assertNoFailures(target, what, load) {
  if (load.failed) {
    throw new BenchFailure(
      `${target.name} ${what}: ${load.failed} request(s) failed:\n      ${load.errors.join('\n      ')}`,
    );
  }
}

/** Item 1: `n` sequential sync jobs; also keeps each job's id and client send/receive times. */
async function sequentialSync(target, context, n, extra = '') {
  const trace = [];
  const load = await runLoad({
    label: `${target.name} sequential sync`,
    total: n,
    inFlight: 1,
    call: async () => {
      const sent = now();
      const id = await syncJob(target, jobPath(context, true, extra));
      trace.push({ id, sent, received: now() });
    },
  });
  assertNoFailures(target, 'sequential sync', load);
  return { latencies: load.latencies, trace };
}

/** Item 2: `n` sync jobs with `inFlight` outstanding. */
async function concurrentSync(target, context, n, inFlight) {
  const load = await runLoad({
    label: `${target.name} sync ×${inFlight}`,
    total: n,
    inFlight,
    call: () => syncJob(target, jobPath(context, true)),
  });
  assertNoFailures(target, `sync ×${inFlight}`, load);
  return { latencies: load.latencies, elapsedMs: load.elapsedMs, n };
}

/**
 * Item 3: `n` async jobs, `inFlight` outstanding; time from the first POST to the last result
 * persisted. Expects an empty jobs table (the count of FINISHED rows must reach exactly `n`).
 */
async function asyncThroughput(target, context, n, inFlight) {
  const path = jobPath(context, false);
  const ids = new Set();
  const started = Date.now();
  const load = await runLoad({
    label: `${target.name} async ×${inFlight}`,
    total: n,
    inFlight,
    call: async () => {
      const res = await request(target.url, 'POST', path, BODY);
      const body = res.status === 202 ? json(res) : undefined;
      const jobId = body?.jobId ?? body?.result?.jobId;
      if (!jobId || (body.status !== 'STARTED' && body.status !== 'QUEUED')) {
        throw new BenchFailure(
          `${target.name}: wrong async answer: HTTP ${res.status} ${res.text.slice(0, 300)}`,
        );
      }
      ids.add(jobId);
    },
  });
  assertNoFailures(target, 'async', load);
  if (ids.size !== n)
    throw new BenchFailure(`${target.name}: ${n} async POSTs gave ${ids.size} distinct job ids`);
  const persisted = await target.waitFor(
    async () => (await target.countFinished()) >= n,
    60_000 + n * 5,
  );
  const counts = await target.statusCounts();
  if (!persisted || counts.FINISHED !== n) {
    throw new BenchFailure(
      `${target.name}: LOST JOBS: ${n} submitted, statuses in Postgres: ${JSON.stringify(counts)}`,
    );
  }
  await checkPersistedResults(target, n);
  const [{ last }] = await target.query(
    'SELECT extract(epoch FROM max(end_time)) * 1000 AS last FROM jobs',
  );
  const elapsedMs = Number(last) - started;
  return { n, elapsedMs, postsMs: load.elapsedMs, jobsPerSec: round((n / elapsedMs) * 1000, 0) };
}

async function checkPersistedResults(target, n) {
  const groups = await target.resultGroups();
  const wrong = groups.filter((g) => {
    try {
      return !isExpected(JSON.parse(g.result));
    } catch {
      return true;
    }
  });
  if (wrong.length) {
    const sample = wrong.map((g) => `${g.n}× ${String(g.result).slice(0, 100)}`).join('; ');
    throw new BenchFailure(
      `${target.name}: WRONG RESULTS persisted (expected ${EXPECTED_TEXT}): ${sample}`,
    );
  }
  const total = groups.reduce((a, g) => a + g.n, 0);
  if (total !== n)
    throw new BenchFailure(`${target.name}: ${total} finished results for ${n} jobs`);
}

/**
 * Item 7 (jobserver only: the floor has no batch route): `batches` POST /jobs/batch of `size`
 * configs each, sequentially, into `context`; jobs/s from the first POST to the last result
 * persisted, every result checked.
 */
async function batchThroughput(target, context, batches, size) {
  const body = JSON.stringify(
    Array.from({ length: size }, () => ({ input: { string: 'a b c a b see' } })),
  );
  const path = `/jobs/batch?appName=bench&classPath=${CLASS_PATH}&context=${context}`;
  const started = Date.now();
  const postMs = [];
  for (let i = 0; i < batches; i++) {
    const t0 = now();
    const res = await request(target.url, 'POST', path, body);
    postMs.push(now() - t0);
    const answer = res.status === 202 ? json(res) : undefined;
    if (answer?.jobIds?.length !== size)
      throw new BenchFailure(
        `${target.name}: batch answered ${res.status} ${res.text.slice(0, 300)}`,
      );
  }
  const n = batches * size;
  const persisted = await target.waitFor(
    async () => (await target.countFinished()) >= n,
    60_000 + n * 5,
  );
  if (!persisted)
    throw new BenchFailure(
      `${target.name}: LOST JOBS: ${n} batch-submitted, statuses ${JSON.stringify(await target.statusCounts())}`,
    );
  await checkPersistedResults(target, n);
  const [{ last }] = await target.query(
    'SELECT extract(epoch FROM max(end_time)) * 1000 AS last FROM jobs',
  );
  const elapsedMs = Number(last) - started;
  return {
    n,
    size,
    elapsedMs,
    jobsPerSec: round((n / elapsedMs) * 1000, 0),
    postP50: summarize(postMs).p50,
  };
}

/** Item 4: `n` sequential ad-hoc sync jobs (each in a new context). */
async function adHocJobs(target, n, gapMs = 0) {
  if (gapMs) {
    const latencies = [];
    for (let i = 0; i < n; i++) {
      await sleep(gapMs);
      const t0 = now();
      await syncJob(target, jobPath(undefined, true));
      latencies.push(now() - t0);
    }
    return summarize(latencies);
  }
  const load = await runLoad({
    label: `${target.name} ad-hoc`,
    total: n,
    inFlight: 1,
    call: () => syncJob(target, jobPath(undefined, true)),
  });
  assertNoFailures(target, 'ad-hoc', load);
  return summarize(load.latencies);
}

/**
 * Item 5: creates `n` contexts one after the other; RSS and private memory (what each more
 * context costs a box, see memory.js) of each worker process when idle (2 s after creation) and
 * after one job. `pidOf(name, body)` finds the worker's pid.
 */
async function contextCreation(target, n, pidOf) {
  const times = [];
  const idle = [];
  const afterJob = [];
  for (let i = 0; i < n; i++) {
    const name = `bench-create-${i}`;
    const { ms, body } = await target.createContext(name);
    times.push(ms);
    const pid = await pidOf(name, body);
    await sleep(2000);
    idle.push(memoryOf(pid));
    await syncJob(target, jobPath(name, true));
    await sleep(500);
    afterJob.push(memoryOf(pid));
    await target.deleteContext(name);
    console.log(
      `    ${target.name} context ${i + 1}/${n}: created in ${round(ms, 0)} ms, pid ${pid}, RSS ${idle[i].rssMiB} MiB idle (private ${idle[i].privateMiB}), ${afterJob[i].rssMiB} MiB after a job (private ${afterJob[i].privateMiB})`,
    );
  }
  const mean = (xs, key) => round(xs.reduce((a, b) => a + b[key], 0) / xs.length, 1);
  return {
    creationMs: summarize(times),
    idleRssMiB: mean(idle, 'rssMiB'),
    idlePrivateMiB: mean(idle, 'privateMiB'),
    idleAnonymousMiB: mean(idle, 'anonymousMiB'),
    rssAfterJobMiB: mean(afterJob, 'rssMiB'),
    privateAfterJobMiB: mean(afterJob, 'privateMiB'),
    // Each context's own figures: one on a spare that has idled long (V8 has given back what its
    // boot grew) reads lower than one on a spare that booted seconds before.
    perContext: idle.map((memory, i) => ({ creationMs: round(times[i], 1), idle: memory, afterJob: afterJob[i] })),
  };
}

/**
 * Item 6: sync p50 with 1, 10, 50… live contexts: grows the set of contexts, then sends
 * `perLevel` (at least 10 per context) sequential sync jobs round-robin over all of them.
 */
async function contextScaling(target, levels, perLevel, pidOf) {
  const names = [];
  const pids = [];
  const results = [];
  for (const level of levels) {
    const toCreate = [];
    while (names.length + toCreate.length < level)
      toCreate.push(`bench-scale-${names.length + toCreate.length}`);
    const t0 = now();
    for (let i = 0; i < toCreate.length; i += 5) {
      await Promise.all(
        toCreate.slice(i, i + 5).map(async (name) => {
          const { body } = await target.createContext(name);
          if (pidOf) pids.push(await pidOf(name, body));
        }),
      );
    }
    names.push(...toCreate);
    // A few jobs each, so that freshly started workers are not measured cold.
    for (let i = 0; i < 3; i++)
      for (const name of names) await syncJob(target, jobPath(name, true));
    console.log(
      `    ${target.name}: ${level} live contexts (${toCreate.length} created in ${round((now() - t0) / 1000, 1)} s)`,
    );
    const load = await runLoad({
      label: `${target.name} sync over ${level} contexts`,
      total: Math.max(perLevel, 10 * level),
      inFlight: 1,
      call: (i) => syncJob(target, jobPath(names[i % names.length], true)),
    });
    assertNoFailures(target, `sync over ${level} contexts`, load);
    results.push({ contexts: level, ...summarize(load.latencies) });
  }
  return { levels: results, names, idleWorkerCpu: pids.length ? await idleCpu(pids, 5000) : undefined };
}

/** Mean CPU ms a second of idle worker processes over `ms` (their timers, heartbeats, queue polls). */
async function idleCpu(pids, ms) {
  const before = pids.map(cpuMs);
  await sleep(ms);
  const spent = pids.reduce((sum, pid, i) => sum + cpuMs(pid) - before[i], 0);
  return { workers: pids.length, msPerSecond: round(spent / pids.length / (ms / 1000), 2) };
}

module.exports = {
  batchThroughput,
  BenchFailure,
  EXPECTED,
  jobPath,
  syncJob,
  sequentialSync,
  concurrentSync,
  asyncThroughput,
  adHocJobs,
  contextCreation,
  contextScaling,
  checkPersistedResults,
};
