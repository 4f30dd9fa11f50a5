import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { connectRedis } from './redis-client';
import { JobClaims } from './job-claims';
import { RedisNames } from './names';

describe('JobClaims on Redis', () => {
  let redis: Redis;
  let url: string;
  let names: RedisNames;
  let claims: JobClaims;

  beforeAll(async () => {
    const service = await testRedis();
    url = service.url;
    names = new RedisNames(service.prefix);
    redis = connectRedis(url, 'claims-test');
    claims = new JobClaims(redis, names);
  });
  afterAll(async () => {
    redis?.disconnect();
    if (names) await deleteKeys(url, names.prefix);
  });

  it('lets one holder take a job, and keeps the claim for a week', async () => {
    const jobId = randomUUID();
    expect(await claims.take(jobId, JobClaims.worker('c'))).toBe(true);
    expect(await claims.take(jobId, 'killed')).toBe(false);
    expect(await redis.ttl(names.jobClaimKey(jobId))).toBeGreaterThan(6 * 24 * 3600);
    expect(await claims.started([jobId])).toEqual(new Set([jobId]));
  });

  it('keeps the claim of an ended job for five minutes only, still refusing a second take meanwhile', async () => {
    const jobId = randomUUID();
    await claims.take(jobId, JobClaims.worker('c'));
    await claims.settle(jobId);
    const ttl = await redis.ttl(names.jobClaimKey(jobId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(await claims.take(jobId, JobClaims.worker('c'))).toBe(false);
  });
});
