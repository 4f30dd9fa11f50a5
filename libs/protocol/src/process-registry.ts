import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import type { RedisNames } from './names';

export type ProcessRole = 'gateway' | 'scheduler' | 'context-worker';

/** One live process as GET /status shows it. */
export interface ProcessStatus {
  /** `<role>-<host>-<pid>`: unique even when processes share an `instance-id`. */
  id: string;
  role: ProcessRole;
  /** The `instance-id` setting of the process (its name in logs). */
  instance: string;
  version: string;
  host: string;
  pid: number;
  startTime: string;
  uptimeSeconds: number;
  lastHeartbeat: string;
  /** Contexts the process hosts (context workers); empty for the others. */
  contexts: string[];
}

/** What a process registers about itself. */
export interface ProcessIdentity {
  role: ProcessRole;
  instance: string;
  version: string;
}

type Stored = Omit<ProcessStatus, 'uptimeSeconds'>;

/**
 * Registers this process in Redis for GET /status: a key that lives `ttlMs` unless refreshed
 * every `intervalMs`, and a sorted set indexing the ids by their last refresh (so a reader finds
 * them without SCAN). A process that dies drops out once its key expires.
 * `beat` adds the process's own periodic commands (a context worker's heartbeat) to each refresh:
 * one timer and one Redis call a beat, which 100 idle workers on a box feel.
 */
export class ProcessRegistry {
  private timer: NodeJS.Timeout | undefined;
  private readonly status: Stored;

  constructor(
    private readonly redis: Redis,
    private readonly names: RedisNames,
    identity: ProcessIdentity,
    private readonly intervalMs: number,
    private readonly ttlMs: number,
    private readonly contexts: () => string[] = () => [],
    private readonly beat?: (commands: ChainableCommander) => void,
  ) {
    const host = hostname();
    const id = `${identity.role}-${host}-${process.pid}`;
    const startTime = new Date(Date.now() - process.uptime() * 1000).toISOString();
    this.status = { id, ...identity, host, pid: process.pid, startTime, lastHeartbeat: startTime, contexts: [] };
  }

  /** Registers now and keeps the registration fresh until {@link stop}. */
  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    void this.refresh();
  }

  /** Unregisters at once (a clean exit need not wait for the key to expire). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis
      .multi()
      .del(this.names.processKey(this.status.id))
      .zrem(this.names.processIndexKey, this.status.id)
      .exec()
      .catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const entry: Stored = { ...this.status, lastHeartbeat: new Date(now).toISOString(), contexts: this.contexts() };
    const commands = this.redis
      .multi()
      .set(this.names.processKey(entry.id), JSON.stringify(entry), 'PX', this.ttlMs)
      .zadd(this.names.processIndexKey, now, entry.id);
    this.beat?.(commands);
    // A failed refresh is retried next interval; Redis being down shows in /healthz, not here.
    await commands.exec().catch(() => undefined);
  }

  /**
   * The registered processes whose registration has not expired, by role then id; drops index
   * entries older than `ttlMs`.
   */
  static async list(redis: Redis, names: RedisNames, ttlMs: number): Promise<ProcessStatus[]> {
    const now = Date.now();
    await redis.zremrangebyscore(names.processIndexKey, '-inf', now - ttlMs);
    const ids = await redis.zrange(names.processIndexKey, 0, -1);
    const values = ids.length ? await redis.mget(ids.map((id) => names.processKey(id))) : [];
    return values
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as Stored)
      .map((p) => ({ ...p, uptimeSeconds: Math.floor((now - Date.parse(p.startTime)) / 1000) }))
      .sort((a, b) => a.role.localeCompare(b.role) || a.id.localeCompare(b.id));
  }
}

/**
 * The `version` of a package.json (an app's own, read once at start), or `unknown` when it
 * cannot be read: a version is shown on GET /status, never worth failing a start for.
 */
export function packageVersion(packageJsonPath: string): string {
  try {
    const parsed = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
