import {
  contextSettingsOf,
  InvalidScheduleTiming,
  normalizeContextSettings,
  parseScheduleTiming,
  type ScheduleMissedPolicy,
  type ScheduleTiming,
} from '@jobserver/config';
import { BadRequest, MAX_RETRIES } from '@jobserver/protocol';
import { assertContextName, isAppName } from '../infra/names';

/** What `POST /schedules/<name>` asks for, checked. */
export interface ScheduleRequest {
  appName: string;
  classPath: string;
  context: string | null;
  timing: ScheduleTiming;
  /** The jobs' config as JSON text. */
  config: string;
  priority: number;
  retries: number;
  missed: ScheduleMissedPolicy | null;
}

const FIELDS = new Set(['appName', 'classPath', 'context', 'cron', 'every', 'timezone', 'config', 'priority', 'retries', 'missed']);
/** As `POST /jobs`' classPath: an ad-hoc context is named `<8 hex>-<classPath>` (≤ 200 characters). */
const CLASS_PATH = /^[^:\p{Cc}]{1,191}$/u;

/** Limits of the checks that need the server's config. */
export interface ScheduleBodyLimits {
  minIntervalMs: number;
  contextDefaults: Readonly<Record<string, unknown>>;
}

/**
 * Checks a parsed `POST /schedules/<name>` body: `{appName, classPath, context?, cron | every,
 * timezone?, config?, priority?, missed?}`; unknown fields are refused (a typo must not
 * silently schedule something else).
 * @throws BadRequest naming the first problem; InvalidContextSetting for bad ad-hoc `context-settings`
 */
export function scheduleRequestOf(body: Record<string, unknown>, limits: ScheduleBodyLimits): ScheduleRequest {
  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key));
  if (unknown.length) throw new BadRequest(`unknown field ${unknown[0]} (fields: ${[...FIELDS].join(', ')})`);
  const { appName, classPath, context, config = {}, priority = 50, retries = 0, missed } = body;
  if (typeof appName !== 'string' || !appName.trim()) throw new BadRequest('appName is required');
  if (!isAppName(appName)) throw new BadRequest(`appName ${appName} is not an app name`);
  if (typeof classPath !== 'string' || !classPath.trim()) throw new BadRequest('classPath is required');
  if (!CLASS_PATH.test(classPath)) throw new BadRequest("classPath must be at most 191 characters, without ':' or control characters");
  if (context !== undefined && context !== null) {
    if (typeof context !== 'string') throw new BadRequest('context must be a context name');
    assertContextName(context);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new BadRequest('config must be an object');
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 100) {
    throw new BadRequest('priority must be a whole number from 0 to 100');
  }
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new BadRequest(`retries must be a whole number from 0 to ${MAX_RETRIES}`);
  }
  if (missed !== undefined && missed !== 'once' && missed !== 'skip') throw new BadRequest('missed must be once or skip');
  let timing: ScheduleTiming;
  try {
    timing = parseScheduleTiming(body, limits.minIntervalMs);
  } catch (error) {
    if (error instanceof InvalidScheduleTiming) throw new BadRequest(error.message);
    throw error;
  }
  const jobConfig = config as Record<string, unknown>;
  // An ad-hoc job's context-settings are checked now, not at each tick.
  if (typeof context !== 'string') normalizeContextSettings(limits.contextDefaults, contextSettingsOf(jobConfig));
  return {
    appName,
    classPath,
    context: typeof context === 'string' ? context : null,
    timing,
    config: JSON.stringify(jobConfig),
    priority,
    retries,
    missed: missed ?? null,
  };
}
