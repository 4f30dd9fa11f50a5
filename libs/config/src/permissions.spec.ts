import { describe, expect, it } from 'vitest';
import { grants, isPermission, narrowPermissions, PERMISSIONS, unknownPermissions } from './permissions';

describe('permissions', () => {
  it('holds mainline spark-jobserver names plus contexts:exec, metrics:read and auth:admin', () => {
    for (const name of ['*', 'binaries', 'binaries:read', 'binaries:upload', 'binaries:delete', 'contexts',
      'contexts:read', 'contexts:start', 'contexts:delete', 'contexts:reset', 'data', 'data:read', 'data:upload',
      'data:delete', 'data:reset', 'jobs', 'jobs:read', 'jobs:start', 'jobs:delete', 'contexts:exec',
      'metrics:read', 'auth:admin']) {
      expect(isPermission(name), name).toBe(true);
    }
    expect(PERMISSIONS).toHaveLength(22);
    for (const name of ['', 'jobs:', 'jobs:*', 'JOBS', 'metrics', 'auth', 'binaries:write', ' jobs']) {
      expect(isPermission(name), name).toBe(false);
    }
  });

  it('lets * grant everything and a parent grant its children, never the reverse', () => {
    expect(grants(['*'], 'auth:admin')).toBe(true);
    expect(grants(['jobs'], 'jobs:start')).toBe(true);
    expect(grants(['contexts'], 'contexts:exec')).toBe(true);
    expect(grants(['jobs:read'], 'jobs:read')).toBe(true);
    expect(grants(['jobs:read'], 'jobs:start')).toBe(false);
    expect(grants(['jobs:read'], 'jobs')).toBe(false);
    expect(grants(['binaries'], 'jobs:read')).toBe(false);
    expect(grants([], 'jobs:read')).toBe(false);
  });

  it('does not let a name that merely starts like a parent grant its children', () => {
    expect(grants(['job'], 'jobs:read')).toBe(false);
    expect(grants(['contexts:'], 'contexts:read')).toBe(false);
  });

  it('names the unknown permissions of a list', () => {
    expect(unknownPermissions(['jobs', 'jobz', '*', 'admin'])).toEqual(['jobz', 'admin']);
  });

  it('narrows permissions to what a limit also grants (an API key by its owner today), naming parents the limit holds whole', () => {
    expect(narrowPermissions(['*'], ['*'])).toEqual(['*']);
    expect(narrowPermissions(['jobs', 'metrics:read'], ['*'])).toEqual(['jobs', 'metrics:read']);
    expect(narrowPermissions(['jobs', 'metrics:read'], ['jobs:read'])).toEqual(['jobs:read']);
    expect(narrowPermissions(['*'], ['jobs', 'data:read'])).toEqual(['data:read', 'jobs']);
    expect(narrowPermissions(['jobs:start', 'binaries'], ['jobs', 'binaries:read'])).toEqual(['jobs:start', 'binaries:read']);
    expect(narrowPermissions(['jobs'], [])).toEqual([]);
  });
});
