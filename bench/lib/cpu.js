'use strict';
// CPU time per job, per process: where a system's cycles go under load (Linux /proc).
// Covers each process of the system under test, the Postgres backends of its own database,
// the bench client, and redis-server (shared with anything else on the machine, so it is
// reported but left out of the total).

const fs = require('node:fs');
const { getRedisPid } = require('./services');

const SHARED = 'redis-server (shared)';

const TICK_MS = 10; // getconf CLK_TCK = 100 on Linux

/** user + system CPU ms of a process (threads included), or 0 if it is gone. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** {label: [pid…]} of the target's processes and of the Postgres backends of its database. */
async function processGroups(target) {
  const groups = {};
  for (const [label, pid] of Object.entries(target.pids ?? {})) if (pid) groups[label] = [pid];
  const rows = await target.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  groups['postgres backends'] = rows.map((r) => r.pid);
  if (getRedisPid()) groups[SHARED] = [getRedisPid()];
  return groups;
}

async function snapshot(target) {
  const groups = await processGroups(target);
  const byPid = new Map();
  for (const pids of Object.values(groups)) for (const pid of pids) byPid.set(pid, cpuMs(pid));
  return { groups, byPid, client: process.cpuUsage() };
}

/** Accumulates CPU ms spent per process group between snapshots, over several runs. */
class CpuMeter {
  constructor() {
    this.totals = {};
    this.jobs = 0;
    this.wallMs = 0;
  }

  async start(target) {
    this.before = await snapshot(target);
    this.t0 = Date.now();
  }

  async stop(target, jobs) {
    const after = await snapshot(target);
    for (const [label, pids] of Object.entries(after.groups)) {
      // A backend that appeared mid-run counts from zero; one that closed is lost (rare).
      const spent = pids.reduce(
        (sum, pid) => sum + cpuMs(pid) - (this.before.byPid.get(pid) ?? 0),
        0,
      );
      this.totals[label] = (this.totals[label] ?? 0) + spent;
    }
    const client = process.cpuUsage(this.before.client);
    this.totals['bench client'] =
      (this.totals['bench client'] ?? 0) + (client.user + client.system) / 1000;
    this.jobs += jobs;
    this.wallMs += Date.now() - this.t0;
  }

  /** CPU ms per job by group, plus the total of the system under test (client excluded). */
  perJob() {
    const out = {};
    let system = 0;
    for (const [label, ms] of Object.entries(this.totals)) {
      out[label] = Math.round((ms / this.jobs) * 1000) / 1000;
      if (label !== 'bench client' && label !== SHARED) system += ms;
    }
    out['total (without client)'] = Math.round((system / this.jobs) * 1000) / 1000;
    out['cores busy (without client)'] = Math.round((system / this.wallMs) * 100) / 100;
    return out;
  }
}

module.exports = { CpuMeter, cpuMs };
