import { randomUUID } from 'node:crypto';
import type { StatementRecord } from '@jobserver/persistence';
import { RedisNames } from '@jobserver/protocol';
import { connectRedis, StatementClaims } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../../test/support/processes';
import { testRedis } from '../../../../test/support/services';
import type { RedisReadiness } from '../infra/redis-readiness.service';
import { StartedStatements } from './started-statements.service';

describe('StartedStatements: rows merged with their Redis claims', () => {
  let redis: Redis;
  let url: string;
  let names: RedisNames;
  let claims: StatementClaims;
  let ready = true;
  const readiness = { isReady: () => ready } as RedisReadiness;
  const row = (id: number, state: StatementRecord['state']): StatementRecord => ({
    id, code: `${id}`, state, output: null, progress: 0, started: 0, completed: 0,
  });

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    names = new RedisNames(service.prefix);
    redis = connectRedis(url, 'started-statements-test');
    claims = new StatementClaims(redis, names);
  });
  afterAll(async () => {
    redis?.disconnect();
    if (names) await deleteKeys(url, names.prefix);
  });

  it('shows a waiting row running or cancelled as its claim says, and leaves the other rows as they are', async () => {
    const context = randomUUID();
    await claims.start(context, 1, 1000);
    await claims.cancel(context, 2, 2000);
    await claims.start(context, 4, 4000);
    const rows = [row(0, 'waiting'), row(1, 'waiting'), row(2, 'waiting'), row(3, 'available'), row(4, 'running')];
    expect(await new StartedStatements(claims, readiness).merge(context, rows)).toEqual([
      row(0, 'waiting'),
      { ...row(1, 'running'), started: 1000 },
      { ...row(2, 'cancelled'), completed: 2000 },
      row(3, 'available'),
      row(4, 'running'),
    ]);
  });

  it('answers with the rows alone while Redis is down', async () => {
    const context = randomUUID();
    await claims.start(context, 0, 1000);
    ready = false;
    try {
      expect(await new StartedStatements(claims, readiness).merge(context, [row(0, 'waiting')])).toEqual([row(0, 'waiting')]);
    } finally {
      ready = true;
    }
  });
});
