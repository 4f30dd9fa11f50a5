'use strict';
// What the scenarios need from a system under test (jobserver or the floor): its URL, its
// own database (to count persisted results), and context helpers over its REST API.

const { Client } = require('pg');
const { request, json } = require('./http-client');
const { now, sleep } = require('./stats');

class Target {
  /**
   * @param {string} name 'jobserver' | 'floor'
   * @param {string} url base URL of its HTTP front
   * @param {string} databaseUrl its own database
   */
  constructor(name, url, databaseUrl) {
    this.name = name;
    this.url = url;
    this.databaseUrl = databaseUrl;
    this.db = undefined;
    this.cleanups = [];
  }

  async query(sql, params = []) {
    if (!this.db) {
      this.db = new Client({ connectionString: this.databaseUrl });
      await this.db.connect();
    }
    return (await this.db.query(sql, params)).rows;
  }

  /** POST /contexts/<name>; resolves with the creation time in ms. Throws unless 200. */
  async createContext(name, query = '') {
    const t0 = now();
    const res = await request(this.url, 'POST', `/contexts/${name}${query ? `?${query}` : ''}`);
    const ms = now() - t0;
    if (res.status !== 200)
      throw new Error(
        `${this.name}: POST /contexts/${name} → ${res.status} ${res.text.slice(0, 300)}`,
      );
    return { ms, body: json(res) };
  }

  async deleteContext(name) {
    const res = await request(this.url, 'DELETE', `/contexts/${name}`);
    if (res.status !== 200)
      throw new Error(
        `${this.name}: DELETE /contexts/${name} → ${res.status} ${res.text.slice(0, 300)}`,
      );
  }

  /** Per-status counts of the jobs table. */
  async statusCounts() {
    const rows = await this.query('SELECT status, count(*)::int AS n FROM jobs GROUP BY status');
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async countFinished() {
    const rows = await this.query(`SELECT count(*)::int AS n FROM jobs WHERE status = 'FINISHED'`);
    return rows[0].n;
  }

  /** Distinct results of finished jobs with their counts (the bench checks each one). */
  async resultGroups() {
    return this.query(
      `SELECT result, count(*)::int AS n FROM jobs WHERE status = 'FINISHED' GROUP BY result`,
    );
  }

  /** created_at / start_time / end_time (epoch ms, µs precision) of the given jobs. */
  async jobTimes(ids) {
    const rows = await this.query(
      `SELECT id, extract(epoch FROM created_at) * 1000 AS c, extract(epoch FROM start_time) * 1000 AS s,
              extract(epoch FROM end_time) * 1000 AS e FROM jobs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [r.id, { created: Number(r.c), started: Number(r.s), ended: Number(r.e) }]),
    );
  }

  /** Deletes the finished jobs' rows, so every phase starts from a table of the same size. */
  async truncateJobs() {
    // CASCADE: jobserver's job_events rows reference their jobs (the floor has none).
    await this.query('TRUNCATE jobs CASCADE');
    await this.query('VACUUM ANALYZE jobs');
  }

  /** Waits until `check()` is true (for at most `timeoutMs`). */
  async waitFor(check, timeoutMs) {
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      if (await check()) return true;
      await sleep(50);
    }
    return false;
  }

  /** Runs `stopProcesses` (which may still query), closes the connection, then the cleanups. */
  async close() {
    await this.stopProcesses?.().catch((e) => console.error(`  stop ${this.name}: ${e.message}`));
    await this.db?.end().catch(() => undefined);
    this.db = undefined;
    for (const cleanup of this.cleanups.reverse())
      await cleanup().catch((e) => console.error(`  cleanup: ${e.message}`));
    this.cleanups = [];
  }
}

module.exports = { Target };
