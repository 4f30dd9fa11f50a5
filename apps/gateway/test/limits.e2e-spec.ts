import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

const MB20 = 20 * 1024 * 1024;

/** Jobs that push the server's limits. */
const LIMITS_JS = `
export const Ok = { runJob() { return 'ok'; } };
export const BigError = { runJob() { throw new RangeError('x'.repeat(${MB20})); } };
export const BigReason = {
  validate() { return { valid: false, reason: 'r'.repeat(${MB20}) }; },
  runJob() { return 1; },
};
export const Hang = { validate() { return new Promise(() => {}); }, runJob() { return 1; } };
export const Spin = { validate() { for (;;) {} }, runJob() { return 1; } };
`;

describe('server limits: max-contexts, max-error-size, mem-per-node, validate-timeout', () => {
  let server: TestServer;
  let api: JobserverClient;
  const jobCount = async () => Number((await server.query<{ n: string }>('SELECT count(*) AS n FROM jobs'))[0].n);

  beforeAll(async () => {
    server = await startTestServer({
      JOBSERVER_MAX_CONTEXTS: '2',
      JOBSERVER_VALIDATE_TIMEOUT: '1s',
      JOBSERVER_KILL_GRACE: '1s',
    });
    api = new JobserverClient(server.url);
    const res = await fetch(`${server.url}/binaries/limits`, { method: 'POST', body: LIMITS_JS });
    expect(res.status).toBe(201);
  });
  afterAll(async () => server?.stop());

  it('refuses a context or an ad-hoc job over max-contexts with 429, and accepts one after a stop', async () => {
    expect((await api.post('/contexts/one')).status).toBe(200);
    expect((await api.post('/contexts/two')).status).toBe(200);
    const third = await api.post('/contexts/three');
    expect(third.status).toBe(429);
    expect(third.body).toEqual({ status: 'ERROR', result: expect.stringMatching(/max-contexts \(2\)/) });

    const before = await jobCount();
    const listed = (await api.get('/jobs')).body.length;
    const adHoc = await api.submit({ appName: 'limits', classPath: 'Ok' });
    expect(adHoc.status).toBe(429);
    expect(adHoc.body.result).toMatch(/max-contexts \(2\)/);
    const adHocSync = await api.submit({ appName: 'limits', classPath: 'Ok', sync: true });
    expect(adHocSync.status).toBe(429);
    expect(await jobCount()).toBe(before);
    expect((await api.get('/jobs')).body.length).toBe(listed);
    expect(await api.contextNames()).toEqual(['one', 'two']);

    expect((await api.delete('/contexts/two')).status).toBe(200);
    expect((await api.post('/contexts/three')).status).toBe(200);
    expect((await api.delete('/contexts/three')).status).toBe(200);
  });

  it('refuses ad-hoc jobs racing for the last place at submit (429) or in the scheduler (ERROR), never more', async () => {
    // 'one' is live: one place is left for several ad-hoc jobs submitted at once.
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api.submit({ appName: 'limits', classPath: 'Ok', sync: true })),
    );
    const ran = answers.filter((a) => a.status === 200 && a.body.status === 'OK');
    const refused = answers.filter((a) => a.status === 429 || (a.status === 200 && a.body.status === 'ERROR'));
    expect(ran.length + refused.length).toBe(4);
    expect(ran.length).toBeLessThanOrEqual(1);
    for (const a of refused) {
      expect(a.status === 429 ? a.body.result : a.body.result.message).toMatch(/max-contexts \(2\)/);
    }
    // A refusal in the scheduler ends the recorded job ERROR with the same message.
    for (const a of refused.filter((r) => r.status === 200)) {
      expect((await api.get(`/jobs/${a.body.jobId}`)).body).toMatchObject({ status: 'ERROR', result: { errorClass: 'TooManyContexts' } });
    }
    await eventually(async () => ((await api.contextNames()).length === 1 ? true : undefined));
  });

  it('stores and serves a 20 MB error message capped at max-error-size', async () => {
    const res = await api.submit({ appName: 'limits', classPath: 'BigError', context: 'one', sync: true });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ERROR');
    expect(res.body.result.errorClass).toBe('RangeError');
    expect(res.body.result.message).toMatch(/truncated: 20\.0 MB message/);
    expect(JSON.stringify(res.body).length).toBeLessThan(70 * 1024);
    const [row] = await server.query<{ size: number }>(
      'SELECT octet_length(error::text) AS size FROM jobs WHERE id = $1',
      [res.body.jobId],
    );
    // 64 KiB of JSON; jsonb's text form adds a space after each ':' and ','.
    expect(row.size).toBeLessThan(65 * 1024);
    expect(JSON.stringify((await api.get(`/jobs/${res.body.jobId}`)).body).length).toBeLessThan(70 * 1024);
  });

  it('caps a 20 MB validation reason the same way', async () => {
    const res = await api.submit({ appName: 'limits', classPath: 'BigReason', context: 'one', sync: true });
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('VALIDATION FAILED');
    expect(res.body.result.message).toMatch(/truncated: 20\.0 MB message/);
    expect(JSON.stringify(res.body).length).toBeLessThan(70 * 1024);
  });

  it('answers 400 naming mem-per-node for a heap cap over the machine memory', async () => {
    const named = await api.post('/contexts/huge?mem-per-node=100000g');
    expect(named.status).toBe(400);
    expect(named.body.result).toMatch(/mem-per-node/);
    const adHoc = await api.submit({ appName: 'limits', classPath: 'Ok' }, { 'context-settings': { 'mem-per-node': '100000g' } });
    expect(adHoc.status).toBe(400);
    expect(adHoc.body.result).toMatch(/mem-per-node/);
  });

  it('ends a validate that never returns, or spins, VALIDATION FAILED after validate-timeout; the context goes on', async () => {
    for (const classPath of ['Hang', 'Spin']) {
      for (const sync of [true, false]) {
        const res = await api.submit({ appName: 'limits', classPath, context: 'one', sync });
        expect(res.status, `${classPath} sync=${sync}`).toBe(400);
        expect(res.body.status).toBe('VALIDATION FAILED');
        expect(res.body.result.message).toBe('validate did not return within validate-timeout (1s)');
        const ok = await api.submit({ appName: 'limits', classPath: 'Ok', context: 'one', sync: true });
        expect(ok.body).toMatchObject({ status: 'OK', result: 'ok' });
      }
    }
  });
});
