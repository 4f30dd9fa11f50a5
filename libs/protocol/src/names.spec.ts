import { describe, expect, it } from 'vitest';
import { RedisNames } from './names';

describe('RedisNames', () => {
  const names = new RedisNames('{jobserver}');

  it('puts every key and channel under the prefix, so that a hash-tagged prefix keeps them in one Cluster slot', () => {
    const keys = [
      names.eventChannel,
      names.workerControlChannel,
      names.jobDetailChannel,
      names.queuedChannel,
      names.heartbeatKey('ctx'),
      names.supervisorLeaseKey,
      names.contextStartLeaseKey('id'),
      names.adHocStopLeaseKey('ctx'),
    ];
    for (const key of keys) expect(key.startsWith('{jobserver}:')).toBe(true);
  });

  it('names queues without ":" (BullMQ puts them under the prefix itself)', () => {
    for (const queue of [names.submitQueue, names.contextCommandQueue, names.contextClaimQueue, names.contextQueue('a.b')]) {
      expect(queue).not.toContain(':');
    }
  });
});
