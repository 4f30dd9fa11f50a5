import { describe, expect, it } from 'vitest';
import { contextLimits, InvalidContextSetting, normalizeContextSettings, snapshotMaxBytes } from './context-settings';

describe('normalizeContextSettings', () => {
  it('layers defaults, query and body, the body winning, and keeps unknown keys', () => {
    const settings = normalizeContextSettings(
      { 'max-jobs-per-context': 8 },
      { 'num-cpu-cores': '2', 'mem-per-node': '256m', custom: 'x' },
      { 'num-cpu-cores': 4 },
    );
    expect(settings).toEqual({ 'max-jobs-per-context': 8, 'num-cpu-cores': 4, 'mem-per-node': '256m', custom: 'x' });
  });

  it('maps memory-per-node to mem-per-node', () => {
    expect(normalizeContextSettings({ 'memory-per-node': '1g' })).toEqual({ 'mem-per-node': '1g' });
  });

  it('turns named-objects-max-bytes into bytes', () => {
    expect(normalizeContextSettings({ 'named-objects-max-bytes': '512m' })).toEqual({ 'named-objects-max-bytes': 512 * 1024 ** 2 });
    expect(normalizeContextSettings({ 'named-objects-max-bytes': 4096 })).toEqual({ 'named-objects-max-bytes': 4096 });
  });

  it('turns snapshot-max-bytes into bytes and keeps restore = latest and a snapshot id', () => {
    expect(normalizeContextSettings({ 'snapshot-max-bytes': '8m', restore: 'latest', snapshot: 'abc' })).toEqual({
      'snapshot-max-bytes': 8 * 1024 ** 2,
      restore: 'latest',
      snapshot: 'abc',
    });
  });

  it.each([
    [{ 'snapshot-max-bytes': 'lots' }, 'snapshot-max-bytes must be a size like 64m or 1g, got lots'],
    [{ 'snapshot-max-bytes': ['1g'] }, 'snapshot-max-bytes'],
    [{ restore: 'earliest' }, 'restore must be latest, got earliest'],
    [{ restore: true }, 'restore must be latest'],
    [{ snapshot: '' }, 'snapshot must be a snapshot id'],
    [{ snapshot: ['a'] }, 'snapshot must be a snapshot id'],
  ])('rejects the snapshot settings %j: %s', (settings, message) => {
    expect(() => normalizeContextSettings(settings)).toThrow(InvalidContextSetting);
    expect(() => normalizeContextSettings(settings)).toThrow(message);
  });

  it.each([
    [{ 'num-cpu-cores': 'abc' }, 'num-cpu-cores'],
    [{ 'max-jobs-per-context': '0' }, 'max-jobs-per-context'],
    [{ 'mem-per-node': 'lots' }, 'mem-per-node'],
    [{ 'mem-per-node': '1m' }, 'mem-per-node'],
    [{ 'mem-per-node': '100000g' }, 'mem-per-node'],
    [{ 'job-timeout': 'soon' }, 'job-timeout'],
    [{ 'num-cpu-cores': [1] }, 'num-cpu-cores'],
    [{ 'num-cpu-cores': true }, 'num-cpu-cores'],
    [{ 'max-jobs-per-context': '0x10' }, 'max-jobs-per-context'],
    [{ 'max-jobs-per-context': [[2]] }, 'max-jobs-per-context'],
    [{ 'mem-per-node': ['512m'] }, 'mem-per-node'],
    [{ 'job-timeout': ['30s'] }, 'job-timeout'],
    [{ 'named-objects-max-bytes': 'lots' }, 'named-objects-max-bytes'],
    [{ 'named-objects-max-bytes': 0 }, 'named-objects-max-bytes'],
    [{ 'named-objects-max-bytes': ['1g'] }, 'named-objects-max-bytes'],
  ])('rejects %j naming %s', (settings, key) => {
    expect(() => normalizeContextSettings(settings)).toThrow(InvalidContextSetting);
    expect(() => normalizeContextSettings(settings)).toThrow(key);
  });
});

describe('snapshotMaxBytes', () => {
  it("is the context's snapshot-max-bytes, at most the server's, which is also the default", () => {
    const server = 64 * 1024 ** 2;
    expect(snapshotMaxBytes(normalizeContextSettings({ 'snapshot-max-bytes': '1m' }), server)).toBe(1024 ** 2);
    expect(snapshotMaxBytes(normalizeContextSettings({ 'snapshot-max-bytes': '1g' }), server)).toBe(server);
    expect(snapshotMaxBytes({}, server)).toBe(server);
  });
});

describe('contextLimits', () => {
  it('reads the limits the server acts on', () => {
    const limits = contextLimits(normalizeContextSettings({ 'mem-per-node': '64m', 'job-timeout': '30s', 'max-jobs-per-context': 2 }));
    expect(limits).toMatchObject({ memoryLimitMb: 64, memoryLimitLabel: '64m', jobTimeoutMs: 30_000, maxJobs: 2 });
  });

  it('defaults to 8 concurrent jobs and no caps', () => {
    expect(contextLimits({})).toMatchObject({ maxJobs: 8, memoryLimitMb: undefined, jobTimeoutMs: undefined });
  });
});
