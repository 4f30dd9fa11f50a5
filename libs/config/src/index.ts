export { ConfigParseError, parseConfigBody, parseConfigText, type ParsedConfigBody } from './hocon';
export { configParseOptions, type ConfigParseOptions } from './config-limits';
export { parseConfigArray, type ConfigArrayOptions } from './config-array';
export { parseByteSize, parseDurationMs } from './units';
export { CONFIG_DEFAULTS, defaultMaxContexts, type ApiCompat, type LauncherKind, type ServerConfig } from './server-config';
export { InvalidServerConfig, loadServerConfig, settingsAsEnv } from './load-config';
export {
  killProcessGroup,
  prepareWorkerCacheDir,
  resolveWorkerUser,
  workerProcessEnv,
  type OsUser,
} from './worker-process';
export {
  contextLimits,
  contextSettingsOf,
  InvalidContextSetting,
  normalizeContextSettings,
  type ContextLimits,
} from './context-settings';
export { exposureWarning, PASSWORD_HASH, type AuthConfig, type AuthUser } from './auth-config';
export { grants, isPermission, PERMISSIONS, unknownPermissions, type Permission } from './permissions';
export { callbackHostAllowed, MAX_CALLBACK_ATTEMPTS, type CallbackConfig } from './callback-config';
export { redisPorts, type RedisAddress, type RedisTarget } from './redis-target';
