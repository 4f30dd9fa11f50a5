import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { startTestServer, type TestServer } from '../../../test/support/server';

const CONTEXT = 'results';

/** API.md "Result serialization": what each ResultTypesExample kind must come back as. */
const EXPECTED: Array<[kind: string, result: unknown]> = [
  ['number', 42.5],
  ['string', 'hello'],
  ['boolean', true],
  ['null', null],
  ['array', [1, 'two', [3]]],
  ['set', [1, 2, 3]],
  ['map', { a: 1, '2': { x: true } }],
  ['object', { nested: { list: [1, 2], when: '1970-01-01T00:00:00.000Z' } }],
  ['typedArray', [1, 2, 255]],
  ['date', '2026-01-02T03:04:05.000Z'],
  ['bigint', 12],
  ['bigBigint', '12345678901234567890'],
  ['function', expect.stringMatching(/^function named\(\) \{\s*\}$/)],
  ['instance', '[object Object]'],
  ['symbol', 'Symbol(s)'],
  // Anything unrepresentable anywhere (a cycle, a function, an Error, an opaque instance)
  // turns the entire result into String(result).
  ['cycle', '[object Object]'],
  ['nestedFunction', '[object Object]'],
  ['nestedError', '1,Error: boom'],
  ['nestedCycle', '[object Object]'],
  ['nestedInstance', '[object Map]'],
];

describe('result serialization', () => {
  let server: TestServer;
  let api: JobserverClient;

  beforeAll(async () => {
    // Every ResultTypesExample result is far below 1 KiB.
    server = await startTestServer({ JOBSERVER_MAX_RESULT_SIZE: '1k' });
    api = new JobserverClient(server.url);
    await api.upload('demo');
    expect((await api.post(`/contexts/${CONTEXT}`)).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  async function runSync(classPath: string, config: unknown) {
    const res = await api.submit(
      { appName: 'demo', classPath, context: CONTEXT, sync: true },
      config,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  it.each(EXPECTED)(
    'serializes a %s result the same in the sync answer and the job report',
    async (kind, expected) => {
      const sync = await runSync('ResultTypesExample', { kind });
      expect(sync).toEqual({ status: 'OK', result: expected, jobId: expect.any(String) });
      const report = (await api.get(`/jobs/${sync.jobId}`)).body;
      expect(report.status).toBe('OK');
      expect(report.result).toEqual(expected);
    },
  );

  it('answers result null for undefined when sync, and leaves the result key out of the report', async () => {
    const sync = await runSync('ResultTypesExample', { kind: 'undefined' });
    expect(sync).toEqual({ status: 'OK', result: null, jobId: expect.any(String) });
    const report = (await api.get(`/jobs/${sync.jobId}`)).body;
    expect(report.status).toBe('OK');
    expect(report).not.toHaveProperty('result');
  });

  it('serializes the result of an async job for its report', async () => {
    const res = await api.submit(
      { appName: 'demo', classPath: 'ResultTypesExample', context: CONTEXT },
      { kind: 'map' },
    );
    expect(res.status).toBe(202);
    const report = await api.waitForJob(res.body.jobId);
    expect(report).toMatchObject({ status: 'OK', result: { a: 1, '2': { x: true } } });
  });

  it('fails a job whose result is over max-result-size with a message naming the limit', async () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const sync = await runSync('WordCountExample', { input: { string: words } });
    expect(sync.status).toBe('ERROR');
    expect(sync.result.message).toMatch(/over max-result-size 1 KB/);
    expect(sync.result.errorClass).toBe('ResultTooLarge');
    const report = (await api.get(`/jobs/${sync.jobId}`)).body;
    expect(report.status).toBe('ERROR');
    expect(report.result.message).toMatch(/max-result-size/);
  });

  it('keeps the context usable after a result was too large', async () => {
    const sync = await runSync('WordCountExample', { input: { string: 'a b a' } });
    expect(sync).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
  });
});
