import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { startTestServer, type TestServer } from '../../../test/support/server';

const NAMED = 'NamedObjectsExample';

interface NamedObjectsResult {
  createdBy: string;
  sum: number;
  creations: number;
  names: string[];
}

describe('named objects', () => {
  let server: TestServer;
  let api: JobserverClient;

  /** Runs NamedObjectsExample in `context` (sync) and returns its job id and result. */
  async function runNamed(context: string, config: Record<string, unknown> = {}) {
    const res = await api.submit(
      { appName: 'demo', classPath: NAMED, context, sync: true },
      config,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('OK');
    return { jobId: res.body.jobId as string, result: res.body.result as NamedObjectsResult };
  }

  /** Runs NamedObjectsExample async in `context` and waits for its report. */
  async function runNamedAsync(context: string, config: Record<string, unknown> = {}) {
    const res = await api.submit({ appName: 'demo', classPath: NAMED, context }, config);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const report = await api.waitForJob(res.body.jobId);
    expect(report.status).toBe('OK');
    return { jobId: res.body.jobId as string, result: report.result as NamedObjectsResult };
  }

  beforeAll(async () => {
    server = await startTestServer();
    api = new JobserverClient(server.url);
    await api.upload('demo');
    for (const name of ['shared', 'other']) {
      expect((await api.post(`/contexts/${name}`)).status).toBe(200);
    }
  });
  afterAll(async () => server?.stop());

  it('runs the factory once for 8 concurrent jobs, sync and async, and all of them share its value', async () => {
    const config = { createMs: 500 };
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 ? runNamed('shared', config) : runNamedAsync('shared', config),
      ),
    );
    const creators = new Set(runs.map((r) => r.result.createdBy));
    expect(creators.size).toBe(1);
    expect(runs.map((r) => r.jobId)).toContain([...creators][0]);
    for (const { result } of runs) {
      expect(result).toEqual({
        createdBy: [...creators][0],
        sum: 499_500,
        creations: 1,
        names: ['numbers'],
      });
    }
  });

  it('lets later jobs of the context reuse the object instead of creating it again', async () => {
    const first = await runNamed('shared');
    const later = await runNamed('shared');
    expect(later.result.creations).toBe(1);
    expect(later.result.createdBy).toBe(first.result.createdBy);
    expect(later.result.createdBy).not.toBe(later.jobId);
  });

  it('keeps objects of different names apart within one context', async () => {
    const { jobId, result } = await runNamed('shared', { name: 'letters' });
    expect(result.createdBy).toBe(jobId);
    expect(result.creations).toBe(2);
    expect(result.names).toEqual(['letters', 'numbers']);
  });

  it('does not show one context the objects of another', async () => {
    const { jobId, result } = await runNamed('other');
    expect(result).toMatchObject({ createdBy: jobId, creations: 1, names: ['numbers'] });
  });

  it('drops the objects when the context stops, so a re-created context creates them again', async () => {
    const before = await runNamed('shared');
    expect((await api.delete('/contexts/shared')).status).toBe(200);
    expect((await api.post('/contexts/shared')).status).toBe(200);
    const after = await runNamed('shared');
    expect(after.result).toMatchObject({
      createdBy: after.jobId,
      creations: 1,
      names: ['numbers'],
    });
    expect(after.result.createdBy).not.toBe(before.result.createdBy);
  });
});
