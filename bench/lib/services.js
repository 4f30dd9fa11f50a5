'use strict';
// Postgres databases and Redis prefixes of the bench's own, machine facts, process helpers.

const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const { Client } = require('pg');
const Redis = require('ioredis');
const { memoryOf } = require('./memory');

/** The admin URL, read when used: `--density` points DATABASE_URL at a cluster of its own after this file is loaded. */
const adminUrl = () => process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

async function adminQuery(sql) {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database; returns its URL and a drop(). */
async function createDatabase(kind) {
  const name = `bench_${kind}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      // Clients that are closing get a moment to go: a connection the drop terminates makes its
      // client emit an error, which a library without a listener for it (graphile-worker's
      // utilities once they are released) turns into a crash of the bench.
      for (let i = 0; i < 50; i++) {
        const { rows } = await adminQuery(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${name}'`);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function newPrefix(kind) {
  return `bench-${kind}-${randomBytes(5).toString('hex')}`;
}

/** Deletes every Redis key under `<prefix>:`. */
async function deleteKeys(prefix) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Resident set size of a process in MiB (Linux /proc), or null. */
function rssMiB(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

function killPid(pid, signal = 'SIGKILL') {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

let redisPid = null;

/** The pid of redis-server (known after machineInfo(); null if Redis is not on this machine). */
function getRedisPid() {
  return redisPid && fs.existsSync(`/proc/${redisPid}`) ? redisPid : null;
}

async function machineInfo() {
  const cpus = os.cpus();
  let postgres = null;
  let redis = null;
  try {
    postgres = (await adminQuery('SHOW server_version')).rows[0].server_version;
  } catch {
    // reported as null
  }
  try {
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    const info = await r.info('server');
    redis = /redis_version:(\S+)/.exec(info)?.[1] ?? null;
    redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]) || null;
    r.disconnect();
  } catch {
    // reported as null
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    postgres,
    redis,
  };
}

module.exports = {
  getRedisPid,
  adminUrl,
  REDIS_URL,
  createDatabase,
  newPrefix,
  deleteKeys,
  freePort,
  rssMiB,
  memoryOf,
  killPid,
  machineInfo,
};
