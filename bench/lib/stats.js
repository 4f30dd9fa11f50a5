'use strict';
// Small numeric helpers: a sub-millisecond clock shared by every process on the machine,
// percentiles and rounding.

const { performance } = require('node:perf_hooks');

/** Wall-clock milliseconds with sub-ms precision, comparable across processes of one machine. */
function now() {
  return performance.timeOrigin + performance.now();
}

/** Nearest-rank percentile of an unsorted array (copied, not mutated). */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** p50/p90/p99/max/mean of latencies in ms, rounded to 0.01 ms. */
function summarize(values) {
  if (!values.length) return { n: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    n: sorted.length,
    p50: round(at(50)),
    p90: round(at(90)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(mean),
  };
}

function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** a / b rounded, or null when either is missing. */
function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b, 2);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { now, percentile, summarize, round, ratio, sleep };
