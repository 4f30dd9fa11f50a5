#!/usr/bin/env node
'use strict';
// Summarizes a .cpuprofile written by `npm run bench -- --cpu-profile`: share of busy time
// by package (self time) and the top functions by self and by inclusive time.
// Usage: node bench/profile-summary.js <file.cpuprofile> [top=25] [inclusive-filter-regexp]

const fs = require('node:fs');

const [file, topArg = '25', filter] = process.argv.slice(2);
if (!file) {
  console.error(
    'usage: node bench/profile-summary.js <file.cpuprofile> [top] [inclusive-filter-regexp]',
  );
  process.exit(2);
}
const top = Number(topArg);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

const where = (url) =>
  url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/work\/[^/]+\//, '')
    .replace(/^file:\/\//, '');
const fnLabel = (n) =>
  `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
function packageOf(n) {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName || '(native)';
  const dep = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return where(url).split('/').slice(0, 2).join('/');
}

const self = new Map();
const packages = new Map();
const inclusive = new Map();
let busy = 0;
let idle = 0;
const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
for (const id of profile.samples) {
  const n = nodes.get(id);
  if (n.callFrame.functionName === '(idle)') {
    idle++;
    continue;
  }
  busy++;
  add(self, fnLabel(n));
  add(packages, packageOf(n));
  const seen = new Set();
  for (let x = id; x !== undefined; x = parent.get(x)) {
    const label = fnLabel(nodes.get(x));
    if (seen.has(label)) continue;
    add(inclusive, label);
    seen.add(label);
  }
}

const seconds = (profile.endTime - profile.startTime) / 1e6;
const pct = (v) => `${((100 * v) / busy).toFixed(1).padStart(5)}%`;
const print = (title, map, keep = () => true) => {
  console.log(`\n${title}`);
  [...map]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, v]) => console.log(`${pct(v)}  ${k}`));
};
console.log(
  `${file}: ${seconds.toFixed(1)} s sampled, busy ${((100 * busy) / (busy + idle)).toFixed(0)}% (${busy} samples)`,
);
print('self time by package (% of busy)', packages);
print('self time by function', self);
if (filter)
  print(`inclusive time, functions matching /${filter}/`, inclusive, (k) =>
    new RegExp(filter).test(k),
  );
