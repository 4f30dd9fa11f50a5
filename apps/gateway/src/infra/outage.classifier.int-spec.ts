import { once } from 'node:events';
import net from 'node:net';
import { ServiceUnavailable } from '@jobserver/protocol';
import Redis from 'ioredis';
import { Client, Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outageOf } from './outage.classifier';

// Every error here is captured from a real failure of pg, TypeORM or ioredis, never written by hand.
const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_PORT = 6379;

/** Runs `work` and returns what it rejects with (fails the test when it resolves). */
async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** A TCP server that answers each connection with `onConnect`. */
async function fakeServer(
  onConnect: (socket: net.Socket) => void,
): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnect(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** A Postgres ErrorResponse message, as a server sends it before any authentication. */
function pgErrorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

describe('outageOf', () => {
  let closedPort: number;
  const servers: Array<{ close: () => void }> = [];

  beforeAll(async () => {
    const probe = await fakeServer(() => undefined);
    closedPort = probe.port;
    probe.close();
  });
  afterAll(() => servers.forEach((s) => s.close()));

  const serve = async (onConnect: (socket: net.Socket) => void) => {
    const server = await fakeServer(onConnect);
    servers.push(server);
    return server.port;
  };
  const pgAt = (port: number, extra: Record<string, unknown> = {}) =>
    new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ...extra });

  it('names Postgres for a pg connect to a closed port (ECONNREFUSED)', async () => {
    const error = await failure(() => pgAt(closedPort).connect());
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(outageOf(error, REDIS_PORT)).toBe('Postgres');
  });

  it('names Postgres for a server that drops the connection (Connection terminated unexpectedly)', async () => {
    const port = await serve((socket) => socket.destroy());
    const error = await failure(() => pgAt(port).connect());
    expect(outageOf(error, REDIS_PORT)).toBe('Postgres');
  });

  it('names Postgres for a pool connect that times out', async () => {
    const port = await serve(() => undefined);
    const pool = new Pool({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      connectionTimeoutMillis: 200,
    });
    const error = await failure(() => pool.query('SELECT 1'));
    await pool.end().catch(() => undefined);
    expect(outageOf(error, REDIS_PORT)).toBe('Postgres');
  });

  it('names Postgres for 57P03 cannot_connect_now and 08006 connection_failure sent by a server', async () => {
    for (const [code, message] of [
      ['57P03', 'the database system is starting up'],
      ['08006', 'connection failure'],
    ]) {
      const port = await serve((socket) =>
        socket.once('data', () => socket.end(pgErrorResponse(code, message))),
      );
      const error = await failure(() => pgAt(port).connect());
      expect((error as { code?: string }).code).toBe(code);
      expect(outageOf(error, REDIS_PORT)).toBe('Postgres');
    }
  });

  it('names Postgres for 57P01 admin_shutdown, raw from pg and wrapped in a TypeORM QueryFailedError', async () => {
    const client = new Client({ connectionString: POSTGRES });
    client.on('error', () => undefined);
    await client.connect();
    const raw = await failure(() => client.query('SELECT pg_terminate_backend(pg_backend_pid())'));
    await client.end().catch(() => undefined);
    expect((raw as { code?: string }).code).toBe('57P01');
    expect(outageOf(raw, REDIS_PORT)).toBe('Postgres');

    const dataSource = await new DataSource({ type: 'postgres', url: POSTGRES }).initialize();
    const wrapped = await failure(() =>
      dataSource.query('SELECT pg_terminate_backend(pg_backend_pid())'),
    );
    await dataSource.destroy().catch(() => undefined);
    expect(wrapped).toBeInstanceOf(QueryFailedError);
    expect(outageOf(wrapped, REDIS_PORT)).toBe('Postgres');
  });

  it('names Redis for ioredis failures: closed connection, retries exhausted, command timeout, refused connect', async () => {
    const closed = new Redis(closedPort, '127.0.0.1', { lazyConnect: true });
    closed.disconnect();
    const connectionClosed = await failure(() => closed.get('k'));
    expect(outageOf(connectionClosed, REDIS_PORT)).toBe('Redis');

    const retrying = new Redis(closedPort, '127.0.0.1', {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 20,
    });
    retrying.on('error', () => undefined);
    const exhausted = await failure(() => retrying.get('k'));
    retrying.disconnect();
    expect((exhausted as Error).name).toBe('MaxRetriesPerRequestError');
    expect(outageOf(exhausted, REDIS_PORT)).toBe('Redis');

    const queued = new Redis(closedPort, '127.0.0.1', {
      maxRetriesPerRequest: null,
      commandTimeout: 200,
    });
    queued.on('error', () => undefined);
    const timedOut = await failure(() => queued.get('k'));
    queued.disconnect();
    expect(outageOf(timedOut, REDIS_PORT)).toBe('Redis');

    // The gateway's connection once ready: no offline queue, so a command while down fails at once.
    const noQueue = new Redis(closedPort, '127.0.0.1', { enableOfflineQueue: false, retryStrategy: () => 20 });
    noQueue.on('error', () => undefined);
    const notWritable = await failure(() => noQueue.get('k'));
    noQueue.disconnect();
    expect(outageOf(notWritable, REDIS_PORT)).toBe('Redis');

    // A refused connect reaches callers only as the connection's 'error' event.
    const refusedAt = new Redis(closedPort, '127.0.0.1', { retryStrategy: () => null });
    const [refused] = (await once(refusedAt, 'error')) as unknown[];
    refusedAt.disconnect();
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(outageOf(refused, closedPort)).toBe('Redis');
  });

  it('passes the fail-fast ServiceUnavailable through and leaves other errors alone', async () => {
    expect(outageOf(new ServiceUnavailable('Redis'), REDIS_PORT)).toBe('Redis');
    const client = new Client({ connectionString: POSTGRES });
    await client.connect();
    const syntax = await failure(() => client.query('SELEC 1'));
    await client.end();
    expect(outageOf(syntax, REDIS_PORT)).toBeNull();
    expect(outageOf(new Error('boom'), REDIS_PORT)).toBeNull();
    expect(outageOf(undefined, REDIS_PORT)).toBeNull();
  });
});
