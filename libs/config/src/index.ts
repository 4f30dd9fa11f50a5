export { ConfigParseError, parseConfigText } from './hocon';
export { parseByteSize, parseDurationMs } from './units';
export { CONFIG_DEFAULTS, type ApiCompat, type LauncherKind, type ServerConfig } from './server-config';
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
  InvalidContextSetting,
  normalizeContextSettings,
  type ContextLimits,
} from './context-settings';
