import { PERMISSIONS } from '@jobserver/config';
import { describe, expect, it } from 'vitest';
import { toPrincipalResponse } from './principal.controller';

describe('toPrincipalResponse (GET /auth/me)', () => {
  it('answers no name and every permission while auth is off', () => {
    expect(toPrincipalResponse(false, undefined)).toEqual({
      auth: false,
      name: null,
      permissions: ['*'],
      granted: [...PERMISSIONS],
    });
  });

  it('expands parents into the children they grant, in the order of the permission list', () => {
    const answer = toPrincipalResponse(true, {
      name: 'ann',
      permissions: ['contexts:read', 'binaries'],
    });
    expect(answer).toEqual({
      auth: true,
      name: 'ann',
      permissions: ['contexts:read', 'binaries'],
      granted: ['binaries', 'binaries:read', 'binaries:upload', 'binaries:delete', 'contexts:read'],
    });
  });
});
