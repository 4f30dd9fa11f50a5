import { hostname, totalmem } from 'node:os';
import type { AuthConfig } from './auth-config';
import type { CallbackConfig } from './callback-config';
import type { RedisTarget } from './redis-target';

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
  /**
   * How to reach Redis: `redis-url` alone, a Sentinel-managed master (`redis-sentinels`,
   * `redis-sentinel-name`) or a Redis Cluster (`redis-cluster-nodes`). @defaultValue standalone redis-url
   */
  readonly redis: RedisTarget;
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
  /**
   * Bytes a context snapshot's objects may serialize to: the default and the ceiling of the
   * context setting of that name. @defaultValue 64 MiB
   */
  readonly snapshotMaxBytes: number;
  /** Console statements kept per context (the newest; unfinished ones are never dropped). @defaultValue 100 */
  readonly statementsRetained: number;
  /** Most jobs one `POST /jobs/batch` may carry. @defaultValue 1000 */
  readonly batchMaxJobs: number;
  /**
   * Booted, idle context workers the local launcher keeps ready: a context (or an ad-hoc job)
   * takes one instead of starting a process, and a new spare boots behind it. @defaultValue 1
   */
  readonly spareWorkers: number;
  /** How long an `Idempotency-Key` answers repeats of its first request. @defaultValue 24 h */
  readonly idempotencyWindowMs: number;
  /** The shortest `every` a schedule may have (`POST /schedules/<name>`). @defaultValue 1 s */
  readonly scheduleMinIntervalMs: number;
  /**
   * What a schedule does with ticks missed while no scheduler ran (or one ran late by more than
   * {@link SCHEDULE_GRACE_MS}): `once` runs one job for all of them, `skip` runs none; a schedule's
   * own `missed` wins. @defaultValue 'once'
   */
  readonly scheduleMissed: ScheduleMissedPolicy;
  /** Characters of a statement's `text/plain` output kept; the rest is cut with a note. @defaultValue 1 MiB */
  readonly statementOutputLimit: number;
  /**
   * A job's error (message and stack frames) is cut to this many bytes before it is stored or
   * published: the message is truncated with a note, frames are kept while they fit. @defaultValue 64 KiB
   */
  readonly maxErrorSize: number;
  /**
   * Live contexts (named and ad hoc) at once; one more is refused with 429.
   * @defaultValue `auto`: {@link defaultMaxContexts} of this machine's memory
   */
  readonly maxContexts: number;
  /** A job's `validate` that has not returned by then ends the job VALIDATION FAILED. @defaultValue 30 s */
  readonly validateTimeoutMs: number;
  /** Detail writes (progress, stages, log lines) a second per running job; the latest progress always wins. @defaultValue 10 */
  readonly progressRate: number;
  /** A job's log line is cut to this many bytes (with a marker) before it is kept or posted. @defaultValue 8 KiB */
  readonly logLineLimit: number;
  /** A job keeps its newest this many log lines; older ones are deleted. @defaultValue 10000 */
  readonly logLinesRetained: number;
  /**
   * How often an idle Server-Sent Events stream gets a comment line (API.md: every 15 s). Not in
   * the README's table: tests shorten it. @defaultValue 15 s
   */
  readonly eventStreamKeepAliveMs: number;
  /** @defaultValue 'seed' */
  readonly apiCompat: ApiCompat;
  /** Completion callbacks: `callback-secret`, `callback-attempts`, `callback-retry-delay`, `callback-timeout`, `callback-allow-hosts`. */
  readonly callbacks: CallbackConfig;
  /**
   * Deepest nesting of objects and arrays a posted config (job or context body) may have, the
   * root object being 1; checked before parsing. At most 1000. @defaultValue 64
   */
  readonly configMaxDepth: number;
  /** Largest posted config (job or context body), checked before parsing. @defaultValue 1 MiB */
  readonly configMaxSize: number;
  /** Defaults of context settings (`num-cpu-cores`, `mem-per-node`, `max-jobs-per-context`, …). */
  readonly contextDefaults: Readonly<Record<string, unknown>>;
  /**
   * Contexts the scheduler creates at start and recreates when their worker dies (`contexts {
   * <name> { <settings> } }`), each name's settings as given (`context-defaults` apply beneath).
   * @defaultValue none
   */
  readonly contexts: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Finished jobs (with their events, logs, results), contexts that ended (with their console
   * statements) and unreferenced bundle versions older than this are deleted; 0 keeps everything.
   * @defaultValue 30 days
   */
  readonly jobRetentionMs: number;
  /** How often the retention clean-up runs. Not in the README's table: tests shorten it. @defaultValue 1 h */
  readonly retentionIntervalMs: number;
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
  /** Where workers cache data files (`/data`) by sha256. @defaultValue 'data/data-cache' */
  readonly dataCacheDir: string;
  /** Bytes of data files a worker keeps cached; least recently used out. @defaultValue 1 GiB */
  readonly dataCacheSize: number;
  /** @defaultValue 'info' */
  readonly logLevel: string;
  /**
   * `pretty`: human-readable lines (pino-pretty); `json`: one JSON object a line; `auto`: pretty
   * when the process's stdout is a terminal, JSON otherwise. @defaultValue 'auto'
   */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** Names this process in logs. @defaultValue '<hostname>-<pid>' */
  readonly instanceId: string;
  /** The context-worker entry the local launcher runs. @defaultValue the built app beside the scheduler */
  readonly workerMain: string | undefined;
  /**
   * Names of the environment variables a job sees in `process.env` (its executor thread's env);
   * the launcher passes them through to the worker. DATABASE_URL, REDIS_URL and JOBSERVER_* are
   * refused. A list: HOCON/JSON array in the config file, comma-separated in JOBSERVER_JOB_ENV.
   * @defaultValue none
   */
  readonly jobEnv: readonly string[];
  /**
   * OS user (name or uid) context workers run as: the local launcher spawns them as that user, a
   * pool worker's supervisor runs the real worker as that user. Needs root. @defaultValue none
   */
  readonly workerUser: string | undefined;
  /**
   * Set by `npm start` (scripts/start.js): the process exits when its stdin closes (its parent
   * died), and a scheduler then kills its context workers with it. @defaultValue false
   */
  readonly stopWithParent: boolean;
}

export const CONFIG_DEFAULTS = {
  port: 8090,
  host: undefined,
  auth: { enabled: false, users: {}, 'isolate-owners': false, 'max-failures': 10 },
  'redis-url': 'redis://127.0.0.1:6379',
  'redis-sentinels': [],
  'redis-sentinel-name': undefined,
  'redis-cluster-nodes': [],
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
  'snapshot-max-bytes': '64m',
  'statements-retained': 100,
  'batch-max-jobs': 1000,
  'spare-workers': 1,
  'idempotency-window': '24h',
  'schedule-min-interval': '1s',
  'schedule-missed': 'once',
  'statement-output-limit': '1m',
  'max-error-size': '64k',
  'max-contexts': 'auto',
  'validate-timeout': '30s',
  'progress-rate': 10,
  'log-line-limit': '8k',
  'log-lines-retained': 10000,
  'event-stream-keepalive': '15s',
  'api-compat': 'seed',
  'callback-secret': undefined,
  'callback-attempts': 5,
  'callback-retry-delay': '10s',
  'callback-timeout': '10s',
  'callback-allow-hosts': [],
  'config-max-depth': 64,
  'config-max-size': '1m',
  'context-defaults': { 'max-jobs-per-context': 8 },
  contexts: {},
  'job-retention': '30d',
  'retention-interval': '1h',
  'heartbeat-interval': '1s',
  'heartbeat-timeout': '5s',
  'job-lock-duration': '30s',
  'scheduler-lock-duration': '3s',
  'bundle-cache-dir': 'data/bundle-cache',
  'data-cache-dir': 'data/data-cache',
  'data-cache-size': '1g',
  'log-level': 'info',
  'log-format': 'auto',
  'instance-id': `${hostname()}-${process.pid}`,
  'worker-main': undefined,
  'job-env': [],
  'worker-user': undefined,
  'stop-with-parent': false,
} as const;

/** What a schedule does with missed ticks: run one job for them all, or none. */
export type ScheduleMissedPolicy = 'once' | 'skip';

/** A tick run later than this after its time counts as missed (see ServerConfig.scheduleMissed). */
export const SCHEDULE_GRACE_MS = 10_000;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;

/** Resident memory of an idle context worker (Node, Nest, TypeORM, BullMQ), measured. */
export const IDLE_WORKER_RSS = 130 * 1024 ** 2;
/** The heap a context's executor is budgeted when `context-defaults` set no `mem-per-node`. */
export const DEFAULT_EXECUTOR_HEAP_BUDGET = 512 * 1024 ** 2;

/**
 * `max-contexts = auto`: the contexts that fit in 80 % of the machine's memory, each an idle
 * worker plus its executor's heap cap (`context-defaults`' `mem-per-node`, else a 512 MiB budget:
 * an uncapped executor could grow to V8's default of several GiB, which no machine multiplies):
 * `floor(0.8 × total / (130 MiB + heap))`, at least 1.
 *
 * @param heapCapBytes - the default executor heap cap, if the server config sets one
 * @param totalBytes - the machine's memory @defaultValue os.totalmem()
 */
export function defaultMaxContexts(heapCapBytes: number | undefined, totalBytes = totalmem()): number {
  const perContext = IDLE_WORKER_RSS + (heapCapBytes ?? DEFAULT_EXECUTOR_HEAP_BUDGET);
  return Math.max(1, Math.floor((0.8 * totalBytes) / perContext));
}
