/**
 * Permission names (API.md "Authentication and permissions"): mainline spark-jobserver's, plus
 * `contexts:exec`, `metrics:read` and `auth:admin`. `*` grants everything; a parent
 * (`jobs`) grants its children (`jobs:read`, …).
 */
export const PERMISSIONS = [
  '*',
  'binaries',
  'binaries:read',
  'binaries:upload',
  'binaries:delete',
  'contexts',
  'contexts:read',
  'contexts:start',
  'contexts:delete',
  'contexts:reset',
  'contexts:exec',
  'data',
  'data:read',
  'data:upload',
  'data:delete',
  'data:reset',
  'jobs',
  'jobs:read',
  'jobs:start',
  'jobs:delete',
  'metrics:read',
  'auth:admin',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const KNOWN: ReadonlySet<string> = new Set(PERMISSIONS);

export const isPermission = (name: string): name is Permission => KNOWN.has(name);

/** The names of `names` that are not permissions, in their order. */
export const unknownPermissions = (names: readonly string[]): string[] => names.filter((n) => !KNOWN.has(n));

/** Whether holding `held` grants `needed`: `*`, the name itself, or its parent. */
export function grants(held: readonly string[], needed: Permission): boolean {
  const colon = needed.indexOf(':');
  const parent = colon > 0 ? needed.slice(0, colon) : undefined;
  for (const name of held) {
    if (name === '*' || name === needed || name === parent) return true;
  }
  return false;
}

/**
 * The part of `held` that `limit` grants too, as permission names: each held name `limit` grants
 * whole, else the narrower names under it that `limit` grants (its own names where it holds a
 * parent or `*` whole). `grants(result, p)` is `grants(held, p) && grants(limit, p)` for every p.
 */
export function narrowPermissions(held: readonly Permission[], limit: readonly Permission[]): Permission[] {
  const kept = new Set<Permission>();
  for (const name of held) {
    if (grants(limit, name)) kept.add(name);
    else for (const narrower of PERMISSIONS) if (grants([name], narrower) && grants(limit, narrower) && !grants([...kept], narrower)) kept.add(narrower);
  }
  return [...kept];
}
