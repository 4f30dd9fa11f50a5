'use strict';
// A process's memory from Linux procfs; no dependencies (bench/worker-layers.js loads it into the
// processes it measures).

const fs = require('node:fs');

/**
 * A process's memory in MiB from /proc/<pid>/smaps_rollup (Linux), or nulls: `rssMiB`, `pssMiB`,
 * `privateMiB` (Private_Clean + Private_Dirty: what only this process maps, what ending it frees),
 * `anonymousMiB` (heap, stacks, V8's spaces; the node binary's file pages are not in it, and
 * those count as private only while no other node process maps them). Threads are included.
 */
function memoryOf(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return { rssMiB: null, pssMiB: null, privateMiB: null, anonymousMiB: null };
  }
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const mib = (value) => (Number.isFinite(value) ? Math.round((value / 1024) * 10) / 10 : null);
  return {
    rssMiB: mib(kb('Rss')),
    pssMiB: mib(kb('Pss')),
    privateMiB: mib(kb('Private_Clean') + kb('Private_Dirty')),
    anonymousMiB: mib(kb('Anonymous')),
  };
}

module.exports = { memoryOf };
