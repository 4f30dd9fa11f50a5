import Redis from 'ioredis';

/**
 * Runs `fn` on a short-lived connection to the local Redis (server or sentinel) on `port`;
 * undefined when it does not answer (no retries: callers poll).
 */
export async function askRedis<T>(port: number, fn: (redis: Redis) => Promise<T>): Promise<T | undefined> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** `redis-server` arguments of a throw-away local node on `port`: loopback, no persistence, files in `dir`. */
export function redisServerArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', `${dir}/redis.log`];
}
