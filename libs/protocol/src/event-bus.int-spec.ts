import type Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../../test/support/processes';
import { testRedis } from '../../../test/support/services';
import { openEventBus, type EventBus } from './event-bus';
import type { ServerEvent } from './messages';
import { RedisNames } from './names';
import { connectRedis } from './redis-client';

const until = async (check: () => boolean, timeoutMs = 10_000) => {
  for (const end = Date.now() + timeoutMs; !check();) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('EventBus after its subscriber connection is lost', () => {
  let redis: Redis;
  let admin: Redis;
  let bus: EventBus;
  let url: string;
  let prefix: string;
  const role = `bus-test-${process.pid}`;

  beforeAll(async () => {
    ({ url, prefix } = await testRedis());
    redis = connectRedis(url, role);
    admin = connectRedis(url, `${role}-admin`);
    bus = await openEventBus(
      redis,
      new RedisNames(prefix),
      role,
      { events: true },
      () => undefined,
    );
  });
  afterAll(async () => {
    await bus?.close();
    redis?.disconnect();
    admin?.disconnect();
    await deleteKeys(url, prefix);
  });

  it('is not ready while disconnected, then tells its listeners once subscribed again, and hears events', async () => {
    await until(() => bus.ready);
    let resubscribed = 0;
    bus.onResubscribed(() => resubscribed++);
    const heard: ServerEvent[] = [];
    bus.onEvent((event) => heard.push(event));
    const states: boolean[] = [];
    const watch = setInterval(() => states.push(bus.ready), 1);

    // Only this bus's subscriber: other test files share this Redis.
    const clients = (await admin.client('LIST')) as string;
    const id = /id=(\d+) .*name=(\S+)/g;
    const ours = [...clients.matchAll(id)].filter((m) => m[2] === `${role}-sub`).map((m) => m[1]!);
    expect(ours).toHaveLength(1);
    await admin.client('KILL', 'ID', ours[0]!);
    await until(() => resubscribed === 1);
    clearInterval(watch);
    expect(states).toContain(false);
    expect(bus.ready).toBe(true);

    const event: ServerEvent = { kind: 'job', jobId: 'j1', context: 'c', status: 'FINISHED' };
    await bus.publish(event);
    await until(() => heard.length === 1);
    expect(heard).toEqual([event]);
  });
});
