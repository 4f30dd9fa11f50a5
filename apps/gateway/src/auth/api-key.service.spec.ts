import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Permission, ServerConfig } from '@jobserver/config';
import type { ApiKeyRecord, ApiKeyRepository } from '@jobserver/persistence';
import type { EventBus } from '@jobserver/protocol/redis';
import { ApiKeyService } from './api-key.service';

const TOKEN = 'jsk_secret';

/** An ApiKeyService whose repository holds one key of carol's, and a config whose users are `users`. */
function service(users: Record<string, readonly Permission[]>, keyPermissions: string[]) {
  const config = {
    auth: {
      enabled: true,
      isolateOwners: false,
      maxFailures: 10,
      users: Object.fromEntries(Object.entries(users).map(([name, permissions]) => [name, { passwordHash: 'x', permissions }])),
    },
  } as unknown as ServerConfig;
  const record: ApiKeyRecord = {
    id: 'k1', name: 'outlive', permissions: keyPermissions, owner: 'carol',
    createdAt: new Date(), expiresAt: null, lastUsedAt: null, revokedAt: null,
  };
  const sha = createHash('sha256').update(TOKEN).digest('hex');
  const keys = { findUsable: async (secretSha256: string) => (secretSha256 === sha ? record : null), touch: async () => undefined } as unknown as ApiKeyRepository;
  const bus = { onAuth: () => undefined } as unknown as EventBus;
  return new ApiKeyService(keys, bus, config);
}

describe('ApiKeyService.verify', () => {
  let keys: ApiKeyService | undefined;
  afterEach(() => keys?.onModuleDestroy());

  it('grants a key what its owner was granted when it was made, while the owner still holds it', async () => {
    keys = service({ carol: ['metrics:read', 'jobs'] }, ['metrics:read', 'jobs:read']);
    expect((await keys.verify(TOKEN))?.principal).toEqual({ name: 'carol', permissions: ['metrics:read', 'jobs:read'], keyId: 'k1' });
  });

  it("narrows a key to what its owner holds today: a permission taken from the owner is taken from the owner's keys", async () => {
    keys = service({ carol: ['jobs:read'] }, ['metrics:read', 'jobs']);
    expect((await keys.verify(TOKEN))?.principal.permissions).toEqual(['jobs:read']);
  });

  it('refuses a key whose owner is no longer a user of the server config', async () => {
    keys = service({ alice: ['*'] }, ['jobs:read']);
    expect(await keys.verify(TOKEN)).toBeUndefined();
    expect(await keys.verify('jsk_other')).toBeUndefined();
  });
});
