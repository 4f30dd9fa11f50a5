import { hostname } from 'node:os';
import type { AuthConfig } from './auth-config';

/** Which clients' labels the REST answers follow (API.md "Two generations of clients"). */
export type ApiCompat = 'seed' | 'mainline';
export type LauncherKind = 'local' | 'pool';

/** The validated, frozen server config every process receives. */
export interface ServerConfig {
  /** HTTP port of the gateway. @defaultValue 8090 */
  readonly port: number;
  /** Address the gateway listens on. @defaultValue '127.0.0.1' with auth off, '0.0.0.0' with auth on */
  readonly host: string;
  /** Users, owner isolation and brute-force limit (API.md "Authentication and permissions"). */
  readonly auth: AuthConfig;
  /** @defaultValue 'redis://127.0.0.1:6379' */
  readonly redisUrl: string;
  /** Postgres URL; `npm start` provides an embedded one when unset. */
  readonly databaseUrl: string | undefined;
  /** @defaultValue 10 */
  readonly databasePoolSize: number;
  /**
   * Prepare the statements on every job's path once per connection. Off for pglite-socket
   * (`npm start`'s embedded Postgres), whose connections share one session. @defaultValue true
   */
  readonly preparedStatements: boolean;
  /** Prefix of every Redis key, queue and channel. @defaultValue 'jobserver' */
  readonly prefix: string;
  /** @defaultValue 'local' */
  readonly launcher: LauncherKind;
  /** @defaultValue 60 s */
  readonly contextCreationTimeoutMs: number;
  /** How long an async POST waits for its job to be accepted before answering QUEUED. @defaultValue 3 s */
  readonly acceptTimeoutMs: number;
  /** Default `timeout` of sync jobs. @defaultValue 60 s */
  readonly syncTimeoutMs: number;
  /** How long a cancelled job may keep running before its executor is replaced. @defaultValue 5 s */
  readonly killGraceMs: number;
  /** @defaultValue 16 MiB */
  readonly maxResultSize: number;
  /** @defaultValue 64 MiB */
  readonly uploadLimit: number;
  /** @defaultValue 'seed' */
  readonly apiCompat: ApiCompat;
  /** Defaults of context settings (`num-cpu-cores`, `mem-per-node`, `max-jobs-per-context`, …). */
  readonly contextDefaults: Readonly<Record<string, unknown>>;
  /** @defaultValue 1 s */
  readonly heartbeatIntervalMs: number;
  /** A context whose heartbeat is older than this is declared dead. @defaultValue 5 s */
  readonly heartbeatTimeoutMs: number;
  /**
   * BullMQ lock of a running job on its context queue; the worker's main thread renews it while
   * user code runs in the executor thread. @defaultValue 30 s
   */
  readonly jobLockDurationMs: number;
  /**
   * BullMQ lock of the `submit` and `context-commands` messages a scheduler is handling. When a
   * scheduler dies, the messages it had taken are re-delivered to another scheduler within about
   * 1.5 × this (stalled checks run every half lock). @defaultValue 3 s
   */
  readonly schedulerLockDurationMs: number;
  /** Where workers cache bundles by sha256. @defaultValue 'data/bundle-cache' */
  readonly bundleCacheDir: string;
  /** @defaultValue 'info' */
  readonly logLevel: string;
  /** Names this process in logs. @defaultValue '<hostname>-<pid>' */
  readonly instanceId: string;
  /** The context-worker entry the local launcher runs. @defaultValue the built app beside the scheduler */
  readonly workerMain: string | undefined;
}

export const CONFIG_DEFAULTS = {
  port: 8090,
  host: undefined,
  auth: { enabled: false, users: {}, 'isolate-owners': false, 'max-failures': 10 },
  'redis-url': 'redis://127.0.0.1:6379',
  'database-url': undefined,
  'database-pool-size': 10,
  'prepared-statements': true,
  prefix: 'jobserver',
  launcher: 'local',
  'context-creation-timeout': '60s',
  'accept-timeout': '3s',
  'sync-timeout': '60s',
  'kill-grace': '5s',
  'max-result-size': '16m',
  'upload-limit': '64m',
  'api-compat': 'seed',
  'context-defaults': { 'max-jobs-per-context': 8 },
  'heartbeat-interval': '1s',
  'heartbeat-timeout': '5s',
  'job-lock-duration': '30s',
  'scheduler-lock-duration': '3s',
  'bundle-cache-dir': 'data/bundle-cache',
  'log-level': 'info',
  'instance-id': `${hostname()}-${process.pid}`,
  'worker-main': undefined,
} as const;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;
