import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A `host:port` of a Sentinel or a Cluster node. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Where Redis is (the shape of `@jobserver/config`'s ServerConfig.redis, or just a URL): one server,
 * a master found through Sentinel, or a Cluster. `url` gives username, password, TLS (`rediss:`)
 * and, but for a Cluster, the database.
 */
export type RedisTarget =
  | string
  | { readonly mode: 'standalone'; readonly url: string }
  | {
      readonly mode: 'sentinel';
      readonly url: string;
      readonly name: string;
      readonly sentinels: readonly RedisAddress[];
    }
  | { readonly mode: 'cluster'; readonly url: string; readonly nodes: readonly RedisAddress[] };

/** Where a client reports what the driver tells of its connection (sentinels that do not answer). */
export type RedisLog = (fields: Record<string, unknown>, message: string) => void;

/** Options of {@link connectRedis}. */
export interface RedisConnectOptions {
  /**
   * Rejects a command not answered within this many ms (one sent on a connection that died
   * silently). Not for connections that block (BullMQ workers).
   * @defaultValue undefined (no bound)
   */
  commandTimeoutMs?: number;
  /**
   * Once first ready, commands fail at once while disconnected ("Stream isn't writeable") instead
   * of waiting in ioredis's offline queue, and commands in flight when the connection drops fail
   * ("Connection is closed.") instead of being sent again on reconnect, long after their caller
   * was answered. Duplicates made before the first ready keep queueing (pub/sub resubscribes).
   * @defaultValue false
   */
  failWhileDisconnected?: boolean;
  /**
   * Told, at most every {@link LOG_EVERY_MS} per address or message, which sentinels do not answer
   * and what connection errors there are. @defaultValue none (ioredis prints them as unhandled)
   */
  log?: RedisLog;
}

/** How often one unreachable sentinel (or "all unreachable") is logged again while it stays so. */
const LOG_EVERY_MS = 10_000;
/** Sentinel rounds are retried for ever, this far apart at most: a process waits for Redis, it does not exit. */
const SENTINEL_RETRY_MAX_MS = 2000;

/**
 * Opens the ioredis client of a {@link RedisTarget}, named after its role (visible in
 * `CLIENT LIST`): a plain client, a Sentinel client (`role: master`, which follows failovers) or a
 * Cluster client. Every command waits through reconnects (`maxRetriesPerRequest: null`, as BullMQ
 * workers need). A Cluster client is returned as `Redis`: it answers the same commands, and its
 * keys all share the prefix's hash tag; make its duplicates with {@link duplicateRedis}.
 */
export function connectRedis(
  target: RedisTarget,
  role: string,
  options: RedisConnectOptions = {},
): Redis {
  const common: RedisOptions = {
    connectionName: role,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    commandTimeout: options.commandTimeoutMs,
    autoResendUnfulfilledCommands: !options.failWhileDisconnected,
  };
  const redis = createClient(target, common);
  if (options.log) logConnectionErrors(redis, options.log);
  // Only after the first ready: what callers issue while it first connects must wait for it.
  if (options.failWhileDisconnected)
    redis.once('ready', () => (redis.options.enableOfflineQueue = false));
  return redis;
}

function createClient(target: RedisTarget, common: RedisOptions): Redis {
  if (typeof target === 'string') return new Redis(target, common);
  if (target.mode === 'standalone') return new Redis(target.url, common);
  const fromUrl = urlOptions(target.url);
  if (target.mode === 'sentinel') {
    return new Redis({
      sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, SENTINEL_RETRY_MAX_MS),
      // Not ioredis's failoverDetector: its disconnect can land while the client is connecting,
      // which ends the client for good (status "end", measured here). A master demoted alive
      // drops its clients; one that answers READONLY first is left by reconnectOnError.
      failoverDetector: false,
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      ...common,
      ...fromUrl,
      sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
      name: target.name,
      role: 'master',
    });
  }
  const { db: _db, ...redisOptions } = { ...common, ...fromUrl };
  const clusterOptions: ClusterOptions = {
    redisOptions,
    enableReadyCheck: true,
    // BullMQ's keys carry the prefix's hash tag: each queue lives in one slot, on one node.
    scaleReads: 'master',
  };
  return new Cluster(
    target.nodes.map(({ host, port }) => ({ host, port })),
    clusterOptions,
  ) as unknown as Redis;
}

/** Username, password, database and TLS of a `redis://` / `rediss://` URL (its host is not used). */
function urlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.slice(1) || 0);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  };
}

/** Logs each sentinel that does not answer, each round where none did (ioredis then retries), and other connection errors. */
function logConnectionErrors(redis: Redis, log: RedisLog): void {
  const lastLogged = new Map<string, number>();
  const throttled = (key: string, fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    if (now - (lastLogged.get(key) ?? 0) < LOG_EVERY_MS) return;
    lastLogged.set(key, now);
    log(fields, message);
  };
  redis.on('sentinelError', (error: Error) => {
    const address = /sentinel (\S+) /.exec(error.message)?.[1] ?? 'unknown';
    throttled(
      address,
      { sentinel: address, reason: error.message },
      `Redis sentinel ${address} does not answer`,
    );
  });
  redis.on('error', (error: Error) => {
    if (error.message.startsWith('All sentinels are unreachable')) {
      throttled('all', { reason: error.message }, 'no Redis sentinel answers; retrying');
    } else {
      throttled(error.message, { reason: error.message }, 'Redis connection error; retrying');
    }
  });
  redis.on('ready', () => lastLogged.clear());
}

/**
 * Another connection like `redis` (same target and options) named `connectionName`: what BullMQ
 * workers and the event bus subscriber need. Works for Cluster clients too, whose `duplicate`
 * takes other arguments.
 */
export function duplicateRedis(redis: Redis, connectionName: string): Redis {
  if (redis instanceof Cluster) {
    const cluster = redis as Cluster;
    const redisOptions = { ...cluster.options.redisOptions, connectionName };
    return cluster.duplicate(undefined, { redisOptions }) as unknown as Redis;
  }
  return redis.duplicate({ connectionName });
}

/**
 * Whether Redis answers PING within `timeoutMs` (container health checks).
 * @defaultValue timeoutMs 2000
 */
export async function probeRedis(target: RedisTarget, timeoutMs = 2000): Promise<boolean> {
  const redis = createClient(target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  redis.on('error', () => undefined); // the answer is the probe's result
  const timeout = new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), timeoutMs).unref(),
  );
  try {
    return await Promise.race([
      redis
        .connect()
        .then(() => redis.ping())
        .then((pong) => pong === 'PONG'),
      timeout,
    ]);
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Resolves once Redis answers, however long that takes, telling `log` which sentinels (or what
 * connection) failed meanwhile: a process that cannot work without Redis waits for it at start,
 * unhealthy (its health check fails) but alive and saying why, instead of hanging silently or
 * exiting.
 */
export async function waitForRedis(
  target: RedisTarget,
  role: string,
  log: RedisLog,
): Promise<void> {
  const redis = connectRedis(target, role, { log });
  const timer = setTimeout(() => log({}, 'waiting for Redis'), LOG_EVERY_MS);
  try {
    await redis.ping();
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
