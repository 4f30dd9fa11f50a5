#!/usr/bin/env node
'use strict';
// `node bench/worker-layers.js [--runs N] [--json]`: what each part of the context worker costs
// (issue 15 item 5). Loads the worker's dependency layers one on top of the other, each set in a
// fresh node process, and prints, per layer, its require time and what it adds to RSS, to the
// process's private memory (Private_Clean + Private_Dirty of /proc/self/smaps_rollup), to its
// anonymous memory and to the V8 heap; then each package alone on a bare node, and the executor
// thread's cost (a worker_thread running executor.thread.js, online). Medians of `--runs` (3).
// Require time is wall time and CPU time (all threads: on a loaded machine, the CPU figure holds).
// Needs `npm run build` (the layers are the built dist files). Memory is read after a full GC.

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { memoryOf } = require('./lib/memory');

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(ROOT, 'apps/context-worker');
/** Resolves a module as the context worker does. */
const fromWorker = (id) => require.resolve(id, { paths: [WORKER] });
const dist = (file) => path.join(WORKER, 'dist', file);

/** The layers, in the order the worker's code depends on them; each adds modules to the one before. */
const LAYERS = [
  { name: 'bare node', modules: [] },
  { name: 'pg', modules: ['pg'] },
  { name: 'ioredis', modules: ['ioredis'] },
  { name: 'bullmq', modules: ['bullmq'] },
  { name: 'pino', modules: ['pino'] },
  {
    name: '@jobserver/api, protocol (+ /redis), config, bundle',
    modules: [
      '@jobserver/api',
      '@jobserver/protocol',
      '@jobserver/protocol/redis',
      '@jobserver/config',
      '@jobserver/bundle',
    ],
  },
  {
    name: '@jobserver/persistence/core (repositories and lifecycle on a pg pool)',
    modules: ['@jobserver/persistence/core'],
  },
  {
    name: "the worker's own code (worker.bootstrap.js: composition root, services, executor host)",
    modules: [dist('worker.bootstrap.js')],
  },
];

/** Packages measured alone, each on a bare node. */
const ALONE = [
  'pg',
  'ioredis',
  'bullmq',
  'pino',
  'reflect-metadata',
  '@nestjs/common',
  '@nestjs/core',
  'typeorm',
  'class-validator',
  '@jobserver/persistence',
  '@jobserver/persistence/core',
];

function child() {
  const spec = JSON.parse(process.argv[process.argv.indexOf('--child') + 1]);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (const id of spec.modules) require(id.startsWith('/') ? id : fromWorker(id));
  const requireMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // CPU time (all threads) tells a loaded machine's waits apart from the work.
  const { user, system } = process.cpuUsage(cpu0);
  const requireCpuMs = (user + system) / 1000;
  const done = () => {
    global.gc();
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    const modules = Object.keys(require.cache).length;
    process.stdout.write(
      JSON.stringify({ requireMs, requireCpuMs, heapMiB: heap, modules, ...memoryOf(process.pid) }),
    );
    process.exit(0);
  };
  if (!spec.executor) return setTimeout(done, 200);
  // The executor thread, as Executor starts it (online, then idle): what a context adds to its worker.
  const { Worker } = require('node:worker_threads');
  const { MessageChannel } = require('node:worker_threads');
  const t1 = process.hrtime.bigint();
  const worker = new Worker(dist('executor/executor.thread.js'));
  const { port2 } = new MessageChannel();
  worker.postMessage({ type: 'connect', port: port2 }, [port2]);
  worker.once('online', () => {
    spec.onlineMs = Number(process.hrtime.bigint() - t1) / 1e6;
    setTimeout(() => {
      global.gc();
      const heap = process.memoryUsage().heapUsed / 2 ** 20;
      const stats = {
        requireMs,
        requireCpuMs,
        onlineMs: spec.onlineMs,
        heapMiB: heap,
        modules: Object.keys(require.cache).length,
        ...memoryOf(process.pid),
      };
      process.stdout.write(JSON.stringify(stats));
      process.exit(0);
    }, 500);
  });
}

function measure(spec, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const out = spawnSync(
      process.execPath,
      ['--expose-gc', __filename, '--child', JSON.stringify(spec)],
      { encoding: 'utf8' },
    );
    if (out.status !== 0) throw new Error(`layer ${JSON.stringify(spec)} failed: ${out.stderr}`);
    samples.push(JSON.parse(out.stdout));
  }
  const median = (key) => {
    const xs = samples
      .map((s) => s[key])
      .filter((x) => typeof x === 'number')
      .sort((a, b) => a - b);
    return xs.length ? xs[Math.floor(xs.length / 2)] : undefined;
  };
  return Object.fromEntries(Object.keys(samples[0]).map((key) => [key, median(key)]));
}

const f1 = (x) => (x === undefined ? '–' : x.toFixed(1));
const f0 = (x) => (x === undefined ? '–' : x.toFixed(0));
const signed = (x) => (x === undefined ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
const row = (cells) => `| ${cells.join(' | ')} |`;

function main() {
  const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
  const cumulative = [];
  let modules = [];
  for (const layer of LAYERS) {
    modules = [...modules, ...layer.modules];
    cumulative.push({ name: layer.name, ...measure({ modules }, runs) });
  }
  cumulative.push({
    name: 'executor thread started (online, idle)',
    ...measure({ modules, executor: true }, runs),
  });
  const alone = ALONE.map((id) => ({ name: id, ...measure({ modules: [id] }, runs) }));
  if (process.argv.includes('--json'))
    return console.log(JSON.stringify({ runs, cumulative, alone }, null, 2));

  console.log(
    `Context worker, layer by layer (each line adds its modules to the lines above; medians of ${runs} fresh processes, after a full GC)\n`,
  );
  console.log(
    row([
      'layer',
      'modules',
      'require ms (wall / CPU)',
      'RSS MiB',
      'Δ RSS',
      'private MiB',
      'Δ private',
      'anonymous MiB',
      'Δ anon',
      'V8 heap MiB',
    ]),
  );
  console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  cumulative.forEach((l, i) => {
    const prev = cumulative[i - 1];
    const d = (key) => (prev ? signed(l[key] - prev[key]) : '');
    const wallCpu = `${f0(l.requireMs)} / ${f0(l.requireCpuMs)}`;
    const ms = l.onlineMs !== undefined ? `${wallCpu} (+${f0(l.onlineMs)} to online)` : wallCpu;
    console.log(
      row([
        l.name,
        f0(l.modules),
        ms,
        f1(l.rssMiB),
        d('rssMiB'),
        f1(l.privateMiB),
        d('privateMiB'),
        f1(l.anonymousMiB),
        d('anonymousMiB'),
        f1(l.heapMiB),
      ]),
    );
  });
  const bare = cumulative[0];
  console.log('\nEach package alone on a bare node (Δ against the bare node line)\n');
  console.log(
    row([
      'package',
      'modules',
      'require ms (wall / CPU)',
      'Δ RSS',
      'Δ private',
      'Δ anonymous',
      'Δ V8 heap',
    ]),
  );
  console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const a of alone) {
    const d = (key) => signed(a[key] - bare[key]);
    console.log(
      row([
        a.name,
        f0(a.modules - bare.modules),
        `${f0(a.requireMs)} / ${f0(a.requireCpuMs)}`,
        d('rssMiB'),
        d('privateMiB'),
        d('anonymousMiB'),
        d('heapMiB'),
      ]),
    );
  }
}

if (process.argv.includes('--child')) child();
else main();
