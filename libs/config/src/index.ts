export { ConfigParseError, parseConfigText } from './hocon';
export { parseByteSize, parseDurationMs } from './units';
export { CONFIG_DEFAULTS, defaultMaxContexts, type ApiCompat, type LauncherKind, type ServerConfig } from './server-config';
export { InvalidServerConfig, loadServerConfig } from './load-config';
export {
  contextLimits,
  InvalidContextSetting,
  normalizeContextSettings,
  type ContextLimits,
} from './context-settings';
