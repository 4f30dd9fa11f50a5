#!/usr/bin/env node
'use strict';
// Posts hostile config bodies (nesting, size and key-count bombs) to a running gateway and prints
// how long each answer took, and, given the gateway's pid, the CPU time the gateway spent on it.
// It starts nothing itself:
//   node bench/config-bombs.js http://127.0.0.1:8090 [--pid <gateway pid>] [--app <appName>] [--max-size 1m]
// --max-size is the gateway's config-max-size: the size bombs are made just under and just over it.
// The default app `nosuch` does not exist, so an accepted body is parsed and answered 404
// without running a job.

const { readFileSync } = require('node:fs');
const { request } = require('./lib/http-client');

const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const baseUrl = args.find((a) => /^https?:/.test(a)) ?? 'http://127.0.0.1:8090';
const pid = option('--pid');
const app = option('--app', 'nosuch');
const UNITS = { '': 1, k: 1024, m: MiB };
const sizeMatch = /^(\d+)([km]?)$/i.exec(option('--max-size', '1m'));
if (!sizeMatch) throw new Error('--max-size takes a size like 256k or 1m');
const LIMIT = Number(sizeMatch[1]) * UNITS[sizeMatch[2].toLowerCase()];
const KEYS = Math.round((50_000 * LIMIT) / MiB);
const limitText = LIMIT % MiB === 0 ? `${LIMIT / MiB} MiB` : `${LIMIT / 1024} KiB`;

const nestHocon = (n) => `${'a{'.repeat(n)}x=1${'}'.repeat(n)}`;
const nestJson = (n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const upTo = (bytes, line) => line.repeat(Math.floor(bytes / line.length));
const lines = (n, make) => Array.from({ length: n }, (_, i) => make(i)).join('\n');
const path = (segments, i) => `${Array.from({ length: segments - 1 }, (_, s) => `p${s}`).join('.')}.k${i}`;

const BOMBS = [
  ['HOCON nested 10 000 deep', nestHocon(10_000)],
  ['HOCON nested 100 000 deep', nestHocon(100_000)],
  ['JSON nested 10 000 deep', nestJson(10_000)],
  ['JSON nested 100 000 deep', nestJson(100_000)],
  ['JSON arrays nested 100 000 deep', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
  [`${limitText} of a=1 lines (just under the limit)`, upTo(LIMIT - 16, 'a=1\n')],
  [`${limitText} + 4 bytes of a=1 lines (over the limit)`, upTo(LIMIT + 4, 'a=1\n')],
  [`${limitText} unquoted string`, `a = ${'x'.repeat(LIMIT - 8)}`],
  [`${limitText} of words (value concatenation)`, `a = ${upTo(LIMIT - 8, 'ab ')}`],
  [`${limitText} quoted string with escapes`, `a = "${upTo(LIMIT - 8, '\\n')}"`],
  [`${KEYS} keys, HOCON`, lines(KEYS, (i) => `k${i} = ${i}`)],
  [`${KEYS} keys, JSON`, JSON.stringify(Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`k${i}`, i])))],
  ['a dotted path 10 000 segments long', `${Array(10_000).fill('a').join('.')} = 1`],
  ['a dotted path 100 000 segments long', `${Array(100_000).fill('a').join('.')} = 1`],
  ['5 000 dotted paths 60 segments long', lines(5_000, (i) => `${path(60, i)} = 1`)],
  ['100 000 repeated merges of one object', lines(100_000, (i) => `a { b${i % 50} = ${i} }`)],
];

/** CPU time (user + system) of a process in ms, from /proc; undefined without a pid. */
function cpuMs() {
  if (!pid) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
}

async function post(urlPath, body) {
  const cpuBefore = cpuMs();
  const started = process.hrtime.bigint();
  const res = await request(baseUrl, 'POST', urlPath, body);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = cpuBefore === undefined ? undefined : cpuMs() - cpuBefore;
  return { res, ms, cpu };
}

async function main() {
  const routes = [
    ['POST /jobs', `/jobs?appName=${app}&classPath=bomb`],
    ['POST /contexts', '/contexts/bombctx'],
  ];
  console.log(`| bomb | bytes | route | status | answer ms | gateway CPU ms | result |`);
  console.log(`|---|---|---|---|---|---|---|`);
  let worst = 0;
  for (const [name, body] of BOMBS) {
    for (const [route, urlPath] of routes) {
      // The context route would create a real context for an accepted body: only refused ones go there.
      if (route === 'POST /contexts' && !/deep|long|over/.test(name)) continue;
      const { res, ms, cpu } = await post(urlPath, body);
      worst = Math.max(worst, ms);
      const result = res.text.slice(0, 90).replace(/\|/g, '\\|');
      const cpuText = cpu === undefined ? '-' : cpu.toFixed(0);
      console.log(`| ${name} | ${Buffer.byteLength(body)} | ${route} | ${res.status} | ${ms.toFixed(1)} | ${cpuText} | ${result} |`);
      const health = await request(baseUrl, 'GET', '/healthz');
      if (health.status !== 200) console.log(`    /healthz answered ${health.status} after ${name}`);
    }
  }
  console.log(`\nslowest answer: ${worst.toFixed(1)} ms (CPU figures have the kernel's 10 ms resolution)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
