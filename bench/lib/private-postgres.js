'use strict';
// A throw-away Postgres cluster of the bench's own (initdb + pg_ctl of the machine's Postgres),
// for items that need settings the shared server does not have: `--density` keeps 100 context
// workers live, each with its own connection, past the usual max_connections = 100.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');

/** A free TCP port (not from ./services: requiring it reads DATABASE_URL, which the caller may set to this cluster). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The bin folder of the newest Postgres under /usr/lib/postgresql (Debian), or of pg_config. */
function postgresBin() {
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(root, versions[0], 'bin');
  }
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** Runs a Postgres tool as the `postgres` user when we are root (initdb refuses root). */
function runTool(bin, tool, args) {
  const file = path.join(bin, tool);
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' });
  else execFileSync(file, args, { stdio: 'pipe' });
}

/**
 * Starts a private cluster on 127.0.0.1 with `settings` (e.g. {max_connections: 400});
 * returns its admin URL and stop(), or null when no Postgres binaries are on this machine.
 */
async function startPrivatePostgres(settings = {}) {
  const bin = postgresBin();
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  runTool(bin, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  runTool(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        runTool(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

module.exports = { startPrivatePostgres };
