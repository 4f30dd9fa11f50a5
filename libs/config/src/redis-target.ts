/** A `host:port` of a Sentinel or a Cluster node. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * How every process reaches Redis (ServerConfig.redis): one server by `redis-url`, a master found
 * through Sentinel, or a Redis Cluster. In Sentinel and Cluster mode `url` still gives the
 * username, password and TLS (`rediss://`), and in Sentinel mode the database; its host is unused.
 */
export type RedisTarget =
  | { readonly mode: 'standalone'; readonly url: string }
  | {
      readonly mode: 'sentinel';
      readonly url: string;
      readonly name: string;
      readonly sentinels: readonly RedisAddress[];
    }
  | { readonly mode: 'cluster'; readonly url: string; readonly nodes: readonly RedisAddress[] };

/** The settings {@link toRedisTarget} reads. */
export interface RedisSettings {
  url: string;
  sentinels: unknown;
  sentinelName: unknown;
  clusterNodes: unknown;
  prefix: string;
}

/**
 * Validates the Redis settings into a {@link RedisTarget}, pushing every problem onto `problems`.
 * Sentinel and Cluster exclude each other; Cluster needs a hash-tagged prefix (every BullMQ key of
 * a queue must hash to one slot) and database 0.
 */
export function toRedisTarget(s: RedisSettings, problems: string[]): RedisTarget {
  const url = s.url;
  const parsed = parseRedisUrl(url, problems);
  const sentinels = addressList('redis-sentinels', s.sentinels, problems);
  const nodes = addressList('redis-cluster-nodes', s.clusterNodes, problems);
  const name =
    s.sentinelName === undefined || s.sentinelName === '' ? undefined : String(s.sentinelName);
  if (sentinels && nodes) {
    problems.push('redis-sentinels and redis-cluster-nodes exclude each other: set one');
    return { mode: 'standalone', url };
  }
  if (sentinels) {
    if (!name)
      problems.push(
        'redis-sentinels needs redis-sentinel-name (the master name the sentinels monitor, e.g. mymaster)',
      );
    return Object.freeze({ mode: 'sentinel', url, name: name ?? '', sentinels });
  }
  if (name) problems.push('redis-sentinel-name needs redis-sentinels');
  if (nodes) {
    if (!/\{[^{}]+\}/.test(s.prefix)) {
      problems.push(
        'redis-cluster-nodes needs a hash-tagged prefix, e.g. prefix = {jobserver}: BullMQ keeps each queue in one cluster slot',
      );
    }
    const db = parsed?.pathname.slice(1);
    if (db && db !== '0')
      problems.push(
        `redis-cluster-nodes: a Redis Cluster has only database 0 (redis-url names ${db})`,
      );
    return Object.freeze({ mode: 'cluster', url, nodes });
  }
  return Object.freeze({ mode: 'standalone', url });
}

function parseRedisUrl(url: string, problems: string[]): URL | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') return parsed;
  } catch {
    // reported below
  }
  problems.push('redis-url must be a redis:// or rediss:// URL');
  return undefined;
}

/** A list (array, or comma-separated text) of `host:port`; undefined when empty. */
function addressList(
  key: string,
  value: unknown,
  problems: string[],
): readonly RedisAddress[] | undefined {
  const items = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  if (!items.length) return undefined;
  const bad: string[] = [];
  const addresses = items.flatMap((item) => {
    const address = parseAddress(item);
    if (!address) bad.push(item);
    return address ? [address] : [];
  });
  if (bad.length)
    problems.push(
      `${key} holds addresses that are not host:port (port 1-65535): ${bad.join(', ')}`,
    );
  return Object.freeze(addresses);
}

/** `host:port`, `[v6]:port`; null when it is neither or the port is out of range. */
function parseAddress(text: string): RedisAddress | null {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/.exec(text);
  if (!match) return null;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return null;
  return Object.freeze({ host: match[1] ?? match[2]!, port });
}

/** The TCP ports the target's Redis endpoints listen on (what the gateway's error filter calls Redis). */
export function redisPorts(target: RedisTarget): readonly number[] {
  const own = Number(new URL(target.url).port || 6379);
  if (target.mode === 'sentinel') return [own, ...target.sentinels.map((s) => s.port)];
  if (target.mode === 'cluster') return [own, ...target.nodes.map((n) => n.port)];
  return [own];
}
