export { ConfigParseError, parseConfigText } from './hocon';
export { parseByteSize, parseDurationMs } from './units';
export { CONFIG_DEFAULTS, type ApiCompat, type LauncherKind, type ServerConfig } from './server-config';
export { InvalidServerConfig, loadServerConfig } from './load-config';
export {
  contextLimits,
  InvalidContextSetting,
  normalizeContextSettings,
  type ContextLimits,
} from './context-settings';
export { exposureWarning, PASSWORD_HASH, type AuthConfig, type AuthUser } from './auth-config';
export { grants, isPermission, PERMISSIONS, unknownPermissions, type Permission } from './permissions';
