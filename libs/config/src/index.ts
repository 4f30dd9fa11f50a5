export { ConfigParseError, parseConfigBody, parseConfigText, type ParsedConfigBody } from './hocon';
export { configParseOptions, type ConfigParseOptions } from './config-limits';
export { parseConfigArray, type ConfigArrayOptions } from './config-array';
export { parseByteSize, parseDurationMs } from './units';
export {
  CONFIG_DEFAULTS,
  defaultMaxContexts,
  SCHEDULE_GRACE_MS,
  type ApiCompat,
  type LauncherKind,
  type ScheduleMissedPolicy,
  type ServerConfig,
} from './server-config';
export {
  InvalidScheduleTiming,
  latestDueTick,
  MAX_EVERY_MS,
  nextTick,
  parseScheduleTiming,
  storedTiming,
  type ScheduleTiming,
  type TimingInput,
} from './schedule-timing';
export { InvalidServerConfig, loadServerConfig, settingsAsEnv } from './load-config';
export { logOptions, type LogOptions, type PrettyTransport } from './log-format';
export {
  killProcessGroup,
  prepareWorkerCacheDir,
  resolveWorkerUser,
  workerProcessEnv,
  WORKER_NODE_FLAGS,
  type OsUser,
} from './worker-process';
export {
  contextLimits,
  contextSettingsOf,
  InvalidContextSetting,
  normalizeContextSettings,
  snapshotMaxBytes,
  type ContextLimits,
} from './context-settings';
export { exposureWarning, PASSWORD_HASH, type AuthConfig, type AuthUser } from './auth-config';
export { grants, isPermission, narrowPermissions, PERMISSIONS, unknownPermissions, type Permission } from './permissions';
export { callbackHostAllowed, MAX_CALLBACK_ATTEMPTS, type CallbackConfig } from './callback-config';
export { redisPorts, type RedisAddress, type RedisTarget } from './redis-target';
export { hideSecretsFromEnviron, isSecretEnvName } from './environ-secrets';
