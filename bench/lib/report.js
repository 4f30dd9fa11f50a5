'use strict';
// The final table (Markdown, so it can be pasted into the README) and the ratios.

const { ratio, round } = require('./stats');

const GOALS = { p50: 1.25, p99: 2, throughput: 0.8 };

/** jobserver/floor ratios for items 1–3, and whether each meets the goal. */
function ratios(js, floor) {
  const r = {
    seqSyncP50: ratio(js.seqSync?.p50, floor.seqSync?.p50),
    seqSyncP90: ratio(js.seqSync?.p90, floor.seqSync?.p90),
    seqSyncP99: ratio(js.seqSync?.p99, floor.seqSync?.p99),
    concSyncRps: ratio(js.concSync?.rps, floor.concSync?.rps),
    concSyncP50: ratio(js.concSync?.p50, floor.concSync?.p50),
    concSyncP99: ratio(js.concSync?.p99, floor.concSync?.p99),
    asyncJobsPerSec: ratio(js.async?.jobsPerSec, floor.async?.jobsPerSec),
  };
  const meets = {
    seqSyncP50: r.seqSyncP50 !== null && r.seqSyncP50 <= GOALS.p50,
    seqSyncP99: r.seqSyncP99 !== null && r.seqSyncP99 <= GOALS.p99,
    concSyncRps: r.concSyncRps !== null && r.concSyncRps >= GOALS.throughput,
    concSyncP50: r.concSyncP50 !== null && r.concSyncP50 <= GOALS.p50,
    concSyncP99: r.concSyncP99 !== null && r.concSyncP99 <= GOALS.p99,
    asyncJobsPerSec: r.asyncJobsPerSec !== null && r.asyncJobsPerSec >= GOALS.throughput,
  };
  return { ratios: r, meetsGoal: meets, goals: GOALS };
}

const fmt = (x, unit = '') =>
  x === undefined || x === null || Number.isNaN(x) ? '–' : `${x}${unit}`;
const ms = (x) => fmt(x === undefined || x === null ? x : round(x, x >= 100 ? 0 : 2), ' ms');
const r = (x, goalMet) =>
  x === null || x === undefined ? '–' : `${x}×${goalMet === false ? ' ✗' : goalMet ? ' ✓' : ''}`;

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

/** Markdown table of one run. */
function table(results) {
  const { jobserver: js, floor: fl, ratios: rt, meetsGoal: ok } = results;
  const lines = [
    row(['#', 'measure', 'jobserver', 'floor', 'jobserver/floor']),
    row(['---', '---', '---:', '---:', '---:']),
  ];
  const add = (n, what, a, b, rat = '') => lines.push(row([n, what, a, b, rat]));
  const seq = (t) => t.seqSync ?? {};
  add(
    '1',
    `sequential sync, p50 (n=${fmt(seq(js).n)})`,
    ms(seq(js).p50),
    ms(seq(fl).p50),
    r(rt.seqSyncP50, ok.seqSyncP50),
  );
  add('1', 'sequential sync, p90', ms(seq(js).p90), ms(seq(fl).p90), r(rt.seqSyncP90));
  add(
    '1',
    'sequential sync, p99',
    ms(seq(js).p99),
    ms(seq(fl).p99),
    r(rt.seqSyncP99, ok.seqSyncP99),
  );
  add('1', 'sequential sync, max', ms(seq(js).max), ms(seq(fl).max));
  const cs = (t) => t.concSync ?? {};
  add(
    '2',
    `sync, ${fmt(cs(js).inFlight)} in flight: req/s (n=${fmt(cs(js).n)})`,
    fmt(cs(js).rps),
    fmt(cs(fl).rps),
    r(rt.concSyncRps, ok.concSyncRps),
  );
  add(
    '2',
    'sync, 64 in flight: p50',
    ms(cs(js).p50),
    ms(cs(fl).p50),
    r(rt.concSyncP50, ok.concSyncP50),
  );
  add(
    '2',
    'sync, 64 in flight: p99',
    ms(cs(js).p99),
    ms(cs(fl).p99),
    r(rt.concSyncP99, ok.concSyncP99),
  );
  const as = (t) => t.async ?? {};
  add(
    '3',
    `async, 64 in flight: jobs/s, first POST → last result persisted (n=${fmt(as(js).n)})`,
    fmt(as(js).jobsPerSec),
    fmt(as(fl).jobsPerSec),
    r(rt.asyncJobsPerSec, ok.asyncJobsPerSec),
  );
  const bt = js.batch ?? {};
  add(
    '7',
    `batch submit, 1000 a POST /jobs/batch: jobs/s to last result persisted (n=${fmt(bt.n)})`,
    fmt(bt.jobsPerSec),
    '–',
  );
  add('7', 'batch submit: one POST of 1000, p50', ms(bt.postP50), '–');
  const ah = (t) => t.adHoc ?? {};
  add(
    '4',
    `ad-hoc job (new context each), p50 (n=${fmt(ah(js).n)})`,
    ms(ah(js).p50),
    ms(ah(fl).p50),
  );
  add('4', 'ad-hoc job, p99', ms(ah(js).p99), ms(ah(fl).p99));
  const spaced = (t) => t.adHocSpaced ?? {};
  if (spaced(js).p50 !== undefined) {
    const met = spaced(js).p50 <= 60;
    add('4', `ad-hoc job 1.5 s apart (a spare ready), p50 (n=${fmt(spaced(js).n)}; goal ≤ 60 ms ${met ? '✓' : '✗'})`, ms(spaced(js).p50), ms(spaced(fl).p50));
  }
  const cx = (t) => t.contexts ?? {};
  add(
    '5',
    `context creation, p50 (n=${fmt(cx(js).creationMs?.n)})`,
    ms(cx(js).creationMs?.p50),
    ms(cx(fl).creationMs?.p50),
  );
  add(
    '5',
    'idle context-worker RSS',
    fmt(cx(js).idleRssMiB, ' MiB'),
    fmt(cx(fl).idleRssMiB, ' MiB'),
  );
  add(
    '5',
    'idle context-worker private memory (Private_Clean + Private_Dirty; anonymous)',
    `${fmt(cx(js).idlePrivateMiB, ' MiB')} (${fmt(cx(js).idleAnonymousMiB, ' MiB')})`,
    `${fmt(cx(fl).idlePrivateMiB, ' MiB')} (${fmt(cx(fl).idleAnonymousMiB, ' MiB')})`,
  );
  add(
    '5',
    'context-worker RSS after one job (private)',
    `${fmt(cx(js).rssAfterJobMiB, ' MiB')} (${fmt(cx(js).privateAfterJobMiB, ' MiB')})`,
    `${fmt(cx(fl).rssAfterJobMiB, ' MiB')} (${fmt(cx(fl).privateAfterJobMiB, ' MiB')})`,
  );
  const levels = js.scaling?.levels ?? fl.scaling?.levels ?? [];
  for (const { contexts } of levels) {
    const at = (t) => t.scaling?.levels?.find((l) => l.contexts === contexts) ?? {};
    add(
      '6',
      `sync p50 with ${contexts} live context(s) (p99)`,
      `${ms(at(js).p50)} (${ms(at(js).p99)})`,
      `${ms(at(fl).p50)} (${ms(at(fl).p99)})`,
      r(ratio(at(js).p50, at(fl).p50)),
    );
  }
  const idle = (t) => t.scaling?.idleWorkerCpu;
  if (idle(js) || idle(fl)) {
    const cpu = (t) => (idle(t) ? `${idle(t).msPerSecond} ms/s (${idle(t).workers} workers)` : '–');
    add('6', 'CPU of an idle context worker, mean', cpu(js), cpu(fl), r(ratio(idle(js)?.msPerSecond, idle(fl)?.msPerSecond)));
  }
  // Issue 15's density goal: the most live contexts measured against one, each system on its own.
  const most = levels.at(-1)?.contexts;
  if (most > 1) {
    const growth = (t) => {
      const all = t.scaling?.levels ?? [];
      return ratio(all.find((l) => l.contexts === most)?.p50, all.find((l) => l.contexts === 1)?.p50);
    };
    const grown = growth(js);
    const judged = most >= 100 && grown !== null;
    add('6', `sync p50 with ${most} live contexts / with 1 (goal at 100: ≤ 1.3×)`, r(grown, judged ? grown <= 1.3 : undefined), r(growth(fl)), '');
  }
  return lines.join('\n');
}

/** Markdown table of the per-stage profile (p50 per stage). */
function profileTable(profile) {
  const lines = [
    row(['stage (sequential sync, p50)', 'jobserver', 'floor', 'floor + claim UPDATE']),
  ];
  lines.push(row(['---', '---:', '---:', '---:']));
  const keys = new Set([
    ...Object.keys(profile.jobserver ?? {}),
    ...Object.keys(profile.floor ?? {}),
  ]);
  for (const key of keys) {
    const cell = (p) => ms(p?.[key]?.p50);
    lines.push(row([key, cell(profile.jobserver), cell(profile.floor), cell(profile.floorClaim)]));
  }
  if (profile.floorHops) {
    lines.push(
      '',
      row(['floor hop (timestamps in the message), p50', 'plain', 'with claim UPDATE']),
      row(['---', '---:', '---:']),
    );
    for (const [hop, s] of Object.entries(profile.floorHops)) {
      lines.push(row([hop, ms(s.p50), ms(profile.floorClaimHops?.[hop]?.p50)]));
    }
  }
  return lines.join('\n');
}

/** Markdown table of CPU ms per job by process role, under load (items 2 and 3). */
function cpuTable(cpu) {
  const cols = [
    cpu.seqSync.jobserver,
    cpu.seqSync.floor,
    cpu.concSync.jobserver,
    cpu.concSync.floor,
    cpu.async.jobserver,
    cpu.async.floor,
  ];
  const lines = [
    row([
      'CPU ms per job',
      'jobserver, sequential',
      'floor, sequential',
      'jobserver, sync ×64',
      'floor, sync ×64',
      'jobserver, async',
      'floor, async',
    ]),
  ];
  lines.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  const labels = new Set(cols.flatMap((c) => Object.keys(c ?? {})));
  for (const label of labels) {
    const cells = cols.map((c) => fmt(c?.[label]));
    lines.push(row([label, ...cells]));
  }
  return lines.join('\n');
}

/**
 * Markdown table of item 8: jobserver beside pg-boss and graphile-worker, and jobserver's ratio
 * to the best peer of each row (throughput: jobserver / best, higher is better; latency: jobserver
 * / best, lower is better).
 */
function peersTable(js, peers) {
  const names = Object.keys(peers);
  const lines = [row(['measure', 'jobserver', ...names, 'jobserver / best peer']), row(['---', '---:', ...names.map(() => '---:'), '---:'])];
  /** `goal(ratio)`: whether the row's goal (issue 15) is met, or undefined for a row without one. */
  const add = (what, mine, pick, higherIsBetter, unit, goal) => {
    const theirs = names.map((n) => pick(peers[n]));
    const known = theirs.filter((x) => typeof x === 'number');
    const best = known.length ? (higherIsBetter ? Math.max(...known) : Math.min(...known)) : null;
    const show = (x) => (unit === 'ms' ? ms(x) : fmt(x));
    const rt = ratio(mine, best);
    lines.push(row([what, show(mine), ...theirs.map(show), r(rt, rt === null || !goal ? undefined : goal(rt))]));
  };
  add('single submits at 64 in flight, jobs/s to the last stored result (goal ≥ 1.2×)', js.async?.jobsPerSec, (p) => p.single?.jobsPerSec, true, '', (x) => x >= 1.2);
  add('batch submits, jobs/s to the last stored result (goal ≥ 0.5×)', js.batch?.jobsPerSec, (p) => p.batch?.jobsPerSec, true, '', (x) => x >= 0.5);
  const graphile = names.find((n) => n.startsWith('graphile-worker'));
  const seqGoal = graphile ? ratio(js.seqSync?.p50, peers[graphile].seq?.p50) : null;
  add(`sequential submit → result, p50 (goal ≤ graphile-worker's: ${fmt(seqGoal)}×)`, js.seqSync?.p50, (p) => p.seq?.p50, false, 'ms', () => seqGoal !== null && seqGoal <= 1);
  add('sequential submit → result, p99', js.seqSync?.p99, (p) => p.seq?.p99, false, 'ms');
  return lines.join('\n');
}

module.exports = { ratios, table, profileTable, cpuTable, peersTable };
