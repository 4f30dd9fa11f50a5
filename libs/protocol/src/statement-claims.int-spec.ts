import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { EventBus } from './event-bus';
import { RedisNames } from './names';
import { connectRedis } from './redis-client';
import { StatementClaims } from './statement-claims';

describe('StatementClaims on Redis', () => {
  let redis: Redis;
  let url: string;
  let names: RedisNames;
  let claims: StatementClaims;

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    names = new RedisNames(service.prefix);
    redis = connectRedis(url, 'statement-claims-test');
    claims = new StatementClaims(redis, names);
  });
  afterAll(async () => {
    redis?.disconnect();
    if (names) await deleteKeys(url, names.prefix);
  });

  it('lets a worker start a statement once; a cancel that comes second backs off', async () => {
    const context = randomUUID();
    expect(await claims.start(context, 0, 1000)).toBe(true);
    expect(await claims.start(context, 0, 2000)).toBe(false);
    expect(await claims.cancel(context, 0, 3000)).toBe(false);
    expect(await redis.ttl(names.statementClaimKey(context, 0))).toBeGreaterThan(6 * 24 * 3600);
    expect(await claims.read(context, [0, 1])).toEqual(new Map([[0, { state: 'running', at: 1000 }]]));
  });

  it('lets a cancel take a waiting statement, which no worker then starts', async () => {
    const context = randomUUID();
    expect(await claims.cancel(context, 3, 4000)).toBe(true);
    expect(await claims.start(context, 3, 5000)).toBe(false);
    expect(await claims.cancel(context, 3, 6000)).toBe(true);
    expect((await claims.read(context, [3])).get(3)).toEqual({ state: 'cancelled', at: 4000 });
    expect(await claims.read(context, [])).toEqual(new Map());
  });

  it('keeps the claim of an ended statement for an hour, by itself or with the end event', async () => {
    const context = randomUUID();
    await claims.start(context, 0, 1);
    await claims.start(context, 1, 1);
    await claims.settle(context, 0);
    const bus = new EventBus(redis, names, () => undefined);
    const event = { kind: 'statement' as const, context: 'c', contextId: context, statementId: 1, state: 'available' as const };
    await bus.publish(event, { settleClaimsOf: [StatementClaims.settleId(context, 1)] });
    for (const id of [0, 1]) {
      const ttl = await redis.ttl(names.statementClaimKey(context, id));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
    expect(await claims.start(context, 0, 2)).toBe(false);
  });
});
