#!/usr/bin/env node
// Regenerates libs/client/openapi.json and src/generated/openapi.ts from a freshly built gateway:
// starts apps/gateway/dist/main.js on a database and Redis prefix of its own (DATABASE_URL /
// REDIS_URL, default the local services), reads GET /api-docs/json, stops it and cleans up.
// Run `npm run build` first (the gateway must be built from the current source).
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { Client } = require('pg');
const Redis = require('ioredis');
const { DOCUMENT_FILE, TYPES_FILE, documentText, typesText } = require('./openapi-types');

const GATEWAY = path.resolve(__dirname, '../../../apps/gateway/dist/main.js');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function sql(url, text) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function deleteKeys(prefix) {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
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

/** Polls the document until the gateway serves it (or exits). */
async function fetchDocument(url, gateway) {
  for (let i = 0; i < 600; i++) {
    if (gateway.exitCode !== null) throw new Error(`the gateway exited with ${gateway.exitCode}:\n${gateway.output}`);
    const res = await fetch(`${url}/api-docs/json`).catch(() => undefined);
    if (res?.ok) return res.json();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not serve /api-docs/json within 60 s:\n${gateway.output}`);
}

async function main() {
  const id = randomBytes(6).toString('hex');
  const database = `jobserver_openapi_${id}`;
  const prefix = `openapi-${id}`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${database}`;
  const port = await freePort();
  await sql(ADMIN_URL, `CREATE DATABASE ${database}`);
  const gateway = spawn(process.execPath, [GATEWAY], {
    env: { ...process.env, DATABASE_URL: dbUrl.toString(), REDIS_URL, PORT: String(port), JOBSERVER_PREFIX: prefix, JOBSERVER_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway.output = '';
  const keep = (chunk) => (gateway.output = (gateway.output + chunk).slice(-4000));
  gateway.stdout.on('data', keep);
  gateway.stderr.on('data', keep);
  try {
    const document = await fetchDocument(`http://127.0.0.1:${port}`, gateway);
    mkdirSync(path.dirname(TYPES_FILE), { recursive: true });
    writeFileSync(DOCUMENT_FILE, documentText(document));
    writeFileSync(TYPES_FILE, await typesText(document));
    console.log(`wrote ${path.relative(process.cwd(), DOCUMENT_FILE)} and ${path.relative(process.cwd(), TYPES_FILE)}`);
  } finally {
    if (gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway.once('exit', resolve));
      gateway.kill('SIGKILL');
      await exited;
    }
    await sql(ADMIN_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await deleteKeys(prefix);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
