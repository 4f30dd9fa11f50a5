import { readFile } from 'node:fs/promises';
import { parseConfigText } from './hocon';
import { toAuthConfig } from './auth-config';
import { toCallbackConfig } from './callback-config';
import { toConfiguredContexts } from './configured-contexts';
import { CONFIG_DEFAULTS, defaultMaxContexts, type ConfigKey, type ServerConfig } from './server-config';
import { toRedisTarget } from './redis-target';
import { parseByteSize, parseDurationMs } from './units';
import { isSecretEnvName } from './environ-secrets';

/** The server config could not be read or is invalid; the message lists every problem. */
export class InvalidServerConfig extends Error {
  override readonly name = 'InvalidServerConfig';
}

const MAX_CONFIG_DEPTH = 1000;

type Source = Partial<Record<ConfigKey, unknown>>;

const envName = (key: string) => `JOBSERVER_${key.toUpperCase().replace(/-/g, '_')}`;

/** Well-known variables that need no JOBSERVER_ prefix. */
const SHORT_ENV: Partial<Record<ConfigKey, string>> = {
  port: 'PORT',
  'redis-url': 'REDIS_URL',
  'database-url': 'DATABASE_URL',
  'log-level': 'LOG_LEVEL',
  'log-format': 'LOG_FORMAT',
};

/**
 * Reads the server config: defaults, then the HOCON/JSON file named by `JOBSERVER_CONFIG`
 * (keys inside an optional `jobserver { … }` block), then environment variables
 * (`JOBSERVER_<KEY>`, plus `PORT`, `REDIS_URL`, `DATABASE_URL`, `LOG_LEVEL`).
 * @throws InvalidServerConfig listing every problem at once
 */
export async function loadServerConfig(env: NodeJS.ProcessEnv = process.env): Promise<ServerConfig> {
  return toServerConfig({ ...CONFIG_DEFAULTS, ...(await readSettings(env)) });
}

/** The settings given explicitly: the config file's, overridden by env variables. */
async function readSettings(env: NodeJS.ProcessEnv): Promise<Source> {
  const fromFile = env.JOBSERVER_CONFIG ? await readConfigFile(env.JOBSERVER_CONFIG) : {};
  const source: Source = {};
  for (const key of Object.keys(CONFIG_DEFAULTS) as ConfigKey[]) {
    if (fromFile[key] !== undefined) source[key] = fromFile[key];
    const value = env[envName(key)] ?? (SHORT_ENV[key] ? env[SHORT_ENV[key]!] : undefined);
    if (value !== undefined && value !== '') source[key] = OBJECT_KEYS.has(key) ? parseJsonEnv(key, value) : value;
  }
  return source;
}

/** Settings a context worker never needs and must not hold (a job could read its worker's memory). */
const SCHEDULER_ONLY_KEYS: ReadonlySet<ConfigKey> = new Set(['callback-secret']);

/**
 * The settings given explicitly (config file and env variables) as the env variables
 * {@link loadServerConfig} reads: how a launcher hands a context worker its config over a
 * pipe, so that the worker's environment holds no secret and it reads no file. Leaves out
 * what only schedulers use (`callback-secret`) and the users' password hashes of `auth` (only
 * gateways authenticate; a worker keeps whether auth is on and owners are isolated).
 * @throws InvalidServerConfig when the config file cannot be read
 */
export async function settingsAsEnv(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const settings = await readSettings(env);
  for (const key of SCHEDULER_ONLY_KEYS) delete settings[key];
  if (settings.auth !== undefined) settings.auth = withoutUsers(settings.auth);
  const asText = (value: unknown) =>
    Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [envName(key), asText(value)]));
}

/** `auth { … }` without `users` (what is not an object is left for loadServerConfig to refuse). */
function withoutUsers(auth: unknown): unknown {
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) return auth;
  const { users: _users, ...rest } = auth as Record<string, unknown>;
  return rest;
}

/** Keys whose environment variable holds JSON. */
const OBJECT_KEYS: ReadonlySet<ConfigKey> = new Set(['context-defaults', 'auth', 'contexts']);

function parseJsonEnv(key: ConfigKey, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new InvalidServerConfig(`${envName(key)} must be JSON: ${(error as Error).message}`);
  }
}

async function readConfigFile(path: string): Promise<Source> {
  try {
    const parsed = await parseConfigText(await readFile(path, 'utf8'));
    return (parsed.jobserver ?? parsed) as Source;
  } catch (error) {
    throw new InvalidServerConfig(`cannot read config file ${path}: ${(error as Error).message}`);
  }
}

function toServerConfig(s: Source): ServerConfig {
  const problems: string[] = [];
  const int = (key: ConfigKey, min: number) => {
    const n = Number(s[key]);
    if (!Number.isInteger(n) || n < min) problems.push(`${key} must be an integer ≥ ${min}`);
    return n;
  };
  const ms = (key: ConfigKey) => {
    const v = parseDurationMs(s[key]);
    if (v === null) problems.push(`${key} must be a duration like 5s or 500ms`);
    return v ?? 0;
  };
  const bytes = (key: ConfigKey) => {
    const v = parseByteSize(s[key]);
    if (v === null) problems.push(`${key} must be a size like 16m`);
    return v ?? 0;
  };
  const oneOf = <T extends string>(key: ConfigKey, values: readonly T[]) => {
    if (!values.includes(s[key] as T)) problems.push(`${key} must be one of ${values.join(', ')}`);
    return s[key] as T;
  };
  const bool = (key: ConfigKey) => {
    const v = String(s[key]);
    if (v !== 'true' && v !== 'false') problems.push(`${key} must be true or false`);
    return v === 'true';
  };
  const str = (key: ConfigKey) => (s[key] === undefined ? undefined : String(s[key]));
  const defaults = s['context-defaults'];
  if (typeof defaults !== 'object' || defaults === null) problems.push('context-defaults must be an object');
  const auth = toAuthConfig(s.auth, problems);
  const config: ServerConfig = {
    port: int('port', 0),
    // Safe by default: without auth, only this machine reaches the gateway unless host says otherwise.
    host: s.host === undefined || s.host === '' ? (auth.enabled ? '0.0.0.0' : '127.0.0.1') : String(s.host),
    auth,
    redisUrl: String(s['redis-url']),
    redis: toRedisTarget(
      { url: String(s['redis-url']), sentinels: s['redis-sentinels'], sentinelName: s['redis-sentinel-name'], clusterNodes: s['redis-cluster-nodes'], prefix: String(s.prefix) },
      problems,
    ),
    databaseUrl: str('database-url'),
    databasePoolSize: int('database-pool-size', 1),
    preparedStatements: bool('prepared-statements'),
    prefix: String(s.prefix),
    launcher: oneOf('launcher', ['local', 'pool'] as const),
    contextCreationTimeoutMs: ms('context-creation-timeout'),
    acceptTimeoutMs: ms('accept-timeout'),
    syncTimeoutMs: ms('sync-timeout'),
    killGraceMs: ms('kill-grace'),
    maxResultSize: bytes('max-result-size'),
    uploadLimit: bytes('upload-limit'),
    snapshotMaxBytes: bytes('snapshot-max-bytes'),
    statementsRetained: int('statements-retained', 1),
    batchMaxJobs: int('batch-max-jobs', 1),
    spareWorkers: int('spare-workers', 0),
    idempotencyWindowMs: ms('idempotency-window'),
    scheduleMinIntervalMs: ms('schedule-min-interval'),
    scheduleMissed: oneOf('schedule-missed', ['once', 'skip'] as const),
    statementOutputLimit: bytes('statement-output-limit'),
    maxErrorSize: bytes('max-error-size'),
    maxContexts: s['max-contexts'] === 'auto' ? autoMaxContexts(defaults) : int('max-contexts', 1),
    validateTimeoutMs: ms('validate-timeout'),
    progressRate: int('progress-rate', 1),
    logLineLimit: bytes('log-line-limit'),
    logLinesRetained: int('log-lines-retained', 1),
    eventStreamKeepAliveMs: ms('event-stream-keepalive'),
    apiCompat: oneOf('api-compat', ['seed', 'mainline'] as const),
    callbacks: toCallbackConfig(s, problems),
    configMaxDepth: int('config-max-depth', 1),
    configMaxSize: bytes('config-max-size'),
    contextDefaults: Object.freeze({ ...(defaults as object) }),
    contexts: toConfiguredContexts(s.contexts, (defaults ?? {}) as Record<string, unknown>, problems),
    jobRetentionMs: ms('job-retention'),
    retentionIntervalMs: ms('retention-interval'),
    heartbeatIntervalMs: ms('heartbeat-interval'),
    heartbeatTimeoutMs: ms('heartbeat-timeout'),
    jobLockDurationMs: ms('job-lock-duration'),
    schedulerLockDurationMs: ms('scheduler-lock-duration'),
    bundleCacheDir: String(s['bundle-cache-dir']),
    dataCacheDir: String(s['data-cache-dir']),
    dataCacheSize: bytes('data-cache-size'),
    logLevel: oneOf('log-level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
    logFormat: oneOf('log-format', ['auto', 'json', 'pretty'] as const),
    instanceId: String(s['instance-id']),
    workerMain: str('worker-main'),
    jobEnv: jobEnvNames(s['job-env'], problems),
    workerUser: str('worker-user'),
    stopWithParent: bool('stop-with-parent'),
  };
  if (!/^[A-Za-z0-9_.{}-]+$/.test(config.prefix)) problems.push('prefix may hold letters, digits and ._-{}');
  else if (!/^[^{}]*(\{[^{}]+\}[^{}]*)?$/.test(config.prefix)) {
    problems.push('prefix may hold one {hash tag} (Redis Cluster), e.g. {jobserver}');
  }
  // The HOCON parser recurses once per level: the cap keeps it far from the stack's limit.
  if (config.configMaxDepth > MAX_CONFIG_DEPTH) problems.push(`config-max-depth must be at most ${MAX_CONFIG_DEPTH}`);
  if (config.maxErrorSize < 1024) problems.push('max-error-size must be at least 1k');
  if (config.eventStreamKeepAliveMs < 10) problems.push('event-stream-keepalive must be at least 10ms');
  if (config.progressRate > 1000) problems.push('progress-rate must be at most 1000');
  if (config.logLineLimit < 256) problems.push('log-line-limit must be at least 256b');
  if (config.validateTimeoutMs <= 0) problems.push('validate-timeout must be more than 0s');
  if (config.retentionIntervalMs < 100) problems.push('retention-interval must be at least 100ms');
  if (config.schedulerLockDurationMs < 1000) problems.push('scheduler-lock-duration must be at least 1s');
  // A job's claim outlives its end by 5 minutes (ENDED_CLAIM_TTL_S): that must cover a re-delivery
  // of its message, which comes once the message's lock lapsed.
  if (config.jobLockDurationMs < 1000 || config.jobLockDurationMs > 120_000) problems.push('job-lock-duration must be from 1s to 2m');
  if (problems.length) throw new InvalidServerConfig(`invalid server config: ${problems.join('; ')}`);
  return Object.freeze(config);
}

/** Names user code may see: a list (array or comma-separated), never the server's secrets. */
function jobEnvNames(value: unknown, problems: string[]): readonly string[] {
  const names = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  const secret = names.filter(isSecretEnvName);
  if (secret.length) problems.push(`job-env may not name the server's secrets: ${secret.join(', ')}`);
  const bad = names.filter((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad.length) problems.push(`job-env holds invalid variable names: ${bad.join(', ')}`);
  return Object.freeze(names);
}

/** `max-contexts = auto` for these context defaults (their `mem-per-node` is the heap cap). */
function autoMaxContexts(defaults: unknown): number {
  const mem = typeof defaults === 'object' && defaults !== null ? (defaults as Record<string, unknown>)['mem-per-node'] : undefined;
  return defaultMaxContexts(parseByteSize(mem) ?? undefined);
}
