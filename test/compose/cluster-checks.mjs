#!/usr/bin/env node
// The cluster checks of scripts/compose-e2e.sh, against a running compose stack (3 context
// workers, 2 schedulers). Plain Node (fetch, podman through child_process), no workspace imports.
//   node test/compose/cluster-checks.mjs contexts   3 contexts at once, on 3 worker containers
//   node test/compose/cluster-checks.mjs kill       kill a worker and a scheduler under load
// Env: BASE_URL, AUTH (user:password), PROJECT (the compose project, to find its containers).
import { execFileSync } from 'node:child_process';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:8090';
const authorization = `Basic ${Buffer.from(process.env.AUTH ?? '').toString('base64')}`;
const project = process.env.PROJECT ?? 'jobserver';
const CONTEXTS = ['e2e-a', 'e2e-b', 'e2e-c'];
const FINAL = new Set(['OK', 'ERROR', 'KILLED']);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(method, path, body) {
  const res = await fetch(`${base}${path}`, { method, body, headers: { authorization } });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { code: res.status, json };
}

function check(ok, what, detail) {
  console.log(`${what.padEnd(72)}${ok ? 'ok' : `FAILED: ${JSON.stringify(detail)}`}`);
  if (!ok) process.exitCode = 1;
  return ok;
}

/** The containers of a compose service: [{ id, name }]. */
function containers(service) {
  const out = execFileSync(
    'podman',
    [
      'ps',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
      '--format',
      '{{.ID}} {{.Names}}',
    ],
    { encoding: 'utf8' },
  );
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, name] = line.split(' ');
      return { id, name };
    });
}

/** context name → the container (name) whose worker hosts it, from GET /status. */
async function hosts() {
  const { json } = await api('GET', '/status');
  const workers = containers('context-worker');
  const map = new Map();
  for (const p of json.processes ?? []) {
    if (p.role !== 'context-worker') continue;
    const container = workers.find((c) => p.host.startsWith(c.id) || c.id.startsWith(p.host));
    for (const ctx of p.contexts ?? [])
      map.set(typeof ctx === 'string' ? ctx : ctx.name, container?.name ?? p.host);
  }
  return map;
}

async function submit(context, classPath, config) {
  const query = `appName=test&classPath=spark.jobserver.${classPath}${context ? `&context=${context}` : ''}`;
  return api('POST', `/jobs?${query}`, config);
}

async function waitFor(what, predicate, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

const status = async (id) => (await api('GET', `/jobs/${id}`)).json.status;

async function threeContexts() {
  const created = await Promise.all(CONTEXTS.map((name) => api('POST', `/contexts/${name}`, '')));
  check(
    created.every((r) => r.code === 200),
    'create contexts e2e-a, e2e-b, e2e-c at once -> 200',
    created.map((r) => r.json),
  );
  const map = await waitFor(
    '3 hosted contexts in /status',
    async () => {
      const m = await hosts();
      return CONTEXTS.every((c) => m.has(c)) ? m : null;
    },
    15_000,
  );
  const on = CONTEXTS.map((c) => map.get(c));
  check(new Set(on).size === 3, 'hosted by 3 different worker containers', on);
  console.log(`  ${CONTEXTS.map((c, i) => `${c} on ${on[i]}`).join(', ')}`);

  const jobs = await Promise.all(
    CONTEXTS.map((c) => submit(c, 'LongRunningExample', 'durationMs = 6000')),
  );
  const ids = jobs.map((r) => r.json.jobId);
  check(
    jobs.every((r) => r.code === 202 && r.json.jobId),
    'a 6 s job in each context -> 202',
    jobs.map((r) => r.json),
  );
  const together = await waitFor(
    'the 3 jobs running at once',
    async () => {
      const s = await Promise.all(ids.map(status));
      return s.every((x) => x === 'RUNNING') || s.some((x) => FINAL.has(x)) ? s : null;
    },
    10_000,
  );
  check(
    together.every((s) => s === 'RUNNING'),
    'the 3 jobs run at the same time',
    together,
  );
  const done = await waitFor(
    'the 3 jobs to end',
    async () => {
      const s = await Promise.all(ids.map(status));
      return s.every((x) => FINAL.has(x)) ? s : null;
    },
    30_000,
  );
  check(
    done.every((s) => s === 'OK'),
    'all 3 end OK',
    done,
  );
}

async function killUnderLoad() {
  const map = await hosts();
  const victim = map.get('e2e-a');
  const schedulers = containers('scheduler');
  if (
    !check(
      Boolean(victim) && schedulers.length >= 2,
      'e2e-a has a worker container, 2 schedulers run',
      { victim, schedulers },
    )
  )
    return;

  const long = await submit('e2e-a', 'LongRunningExample', 'durationMs = 120000');
  const longId = long.json.jobId;
  await waitFor('the long job to run', async () => (await status(longId)) === 'RUNNING', 10_000);

  // Load: 2 submitters post word counts into e2e-b and e2e-c for 12 s (each ~15/s at most, so
  // that a slow machine still drains them in time); the kills land in it.
  const accepted = [];
  const refused = [];
  const loadUntil = Date.now() + 12_000;
  const submitter = async (context) => {
    while (Date.now() < loadUntil) {
      const r = await submit(context, 'WordCountExample', 'input.string = a b c a b see').catch(
        (e) => ({ code: 0, json: { error: String(e) } }),
      );
      if (r.code === 202 && r.json.jobId) accepted.push(r.json.jobId);
      else refused.push({ code: r.code, json: r.json });
      await sleep(50);
    }
  };
  const kills = (async () => {
    await sleep(2_000);
    execFileSync('podman', ['kill', '--signal', 'KILL', victim], { stdio: 'ignore' });
    console.log(`  killed worker container ${victim} (hosting e2e-a, job ${longId} running)`);
    await sleep(3_000);
    execFileSync('podman', ['kill', '--signal', 'KILL', schedulers[0].name], { stdio: 'ignore' });
    console.log(`  killed scheduler container ${schedulers[0].name}`);
  })();
  await Promise.all([submitter('e2e-b'), submitter('e2e-c'), kills]);
  check(
    accepted.length > 0 && refused.length === 0,
    `${accepted.length} jobs accepted under load, none refused`,
    refused.slice(0, 3),
  );

  const finals = await waitFor(
    'every accepted job to end',
    async () => {
      const s = await Promise.all(accepted.map(status));
      return s.every((x) => FINAL.has(x)) ? s : null;
    },
    60_000,
  ).catch(async () => Promise.all(accepted.map(status)));
  const lost = finals.filter((s) => !FINAL.has(s)).length;
  const notOk = finals.filter((s) => s !== 'OK').length;
  check(lost === 0, `0 accepted jobs lost (${accepted.length - lost}/${accepted.length} ended)`, {
    lost,
  });
  check(
    notOk === 0,
    'every job of the surviving contexts OK',
    finals.filter((s) => s !== 'OK'),
  );

  const longEnd = await waitFor(
    "the killed worker's job to end",
    async () => {
      const { json } = await api('GET', `/jobs/${longId}`);
      return FINAL.has(json.status) ? json : null;
    },
    30_000,
  ).catch((e) => ({ status: String(e) }));
  check(longEnd.status === 'ERROR', "the killed worker's job ERROR", longEnd);
  console.log(`  ${longId}: ${longEnd.result?.message}`);
}

const step = process.argv[2];
if (step === 'contexts') await threeContexts();
else if (step === 'kill') await killUnderLoad();
else {
  console.error('usage: cluster-checks.mjs contexts|kill');
  process.exitCode = 2;
}
