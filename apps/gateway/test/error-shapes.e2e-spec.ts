import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';
import { chunked, rawRequest, requestText, type RawReply } from './raw-http';
import { expectError, rest, type Rest } from './rest';

const WORD_COUNT = 'spark.jobserver.WordCountExample';
const JOB_ID = '0b7a1f5e-3c2d-4e6f-8a9b-0c1d2e3f4a5b';
/** Upload limit of this server: small, so that over-limit bodies are cheap to send. */
const UPLOAD_LIMIT = 64 * 1024;

/** API.md's error shape on a raw answer: the status, JSON, exactly `{status, result}`. */
function expectRawError(reply: RawReply, status: number, result?: string | RegExp): void {
  expect({ status: reply.status, body: reply.body }).toEqual({ status, body: expect.anything() });
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(reply.body).sort()).toEqual(['result', 'status']);
  expect(reply.body.status).toBe('ERROR');
  if (typeof result === 'string') expect(reply.body.result).toBe(result);
  if (result instanceof RegExp) expect(reply.body.result).toMatch(result);
}

describe('every error in the API shape', () => {
  let server: TestServer;
  let api: Rest;
  const raw = (request: string | Buffer) => rawRequest(server.url, request);
  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method, headers });

  beforeAll(async () => {
    server = await startTestServer({ JOBSERVER_UPLOAD_LIMIT: String(UPLOAD_LIMIT) });
    api = rest(server.url);
    expect((await api.post('/binaries/test', readFileSync(EXAMPLE_BUNDLE))).status).toBe(201);
  });
  afterAll(async () => server?.stop());

  describe('methods', () => {
    it('answers 405 with an Allow header built from the routes for a known path with another method', async () => {
      const cases: Array<[method: string, path: string, allow: string]> = [
        ['PUT', '/jobs', 'GET, HEAD, POST'],
        ['PATCH', `/jobs/${JOB_ID}`, 'DELETE, GET, HEAD'],
        ['POST', `/jobs/${JOB_ID}/config`, 'GET, HEAD'],
        ['DELETE', '/binaries', 'GET, HEAD'],
        ['PUT', '/binaries/test', 'DELETE, GET, HEAD, POST'],
        ['PUT', '/jars/test', 'DELETE, POST'],
        ['PUT', '/contexts/ctx', 'DELETE, GET, HEAD, POST'],
        ['POST', '/healthz', 'GET, HEAD'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await call(method, path);
        expect({ method, path, status: res.status, allow: res.headers.get('allow') }).toEqual({
          method,
          path,
          status: 405,
          allow,
        });
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await res.json()).toEqual({
          status: 'ERROR',
          result: `method ${method} not allowed on ${path} (allowed: ${allow})`,
        });
      }
    });

    it('answers OPTIONS of a known path with 204 and the Allow header, of an unknown one with 404', async () => {
      const res = await call('OPTIONS', '/jobs');
      expect(res.status).toBe(204);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
      expect(await res.text()).toBe('');
      const unknown = await call('OPTIONS', '/no-such-route');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ status: 'ERROR', result: expect.any(String) });
    });

    it('answers HEAD like GET without a body, and 404 for an unknown path', async () => {
      const res = await call('HEAD', '/binaries');
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      expect((await call('HEAD', '/no-such-route')).status).toBe(404);
    });

    it('answers 404 in the API shape for unknown paths, whatever the method', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await call(method, '/no-such-route');
        expect(res.status).toBe(404);
        expect(res.headers.get('allow')).toBeNull();
        expect(await res.json()).toEqual({
          status: 'ERROR',
          result: expect.stringContaining('/no-such-route'),
        });
      }
      expectError(await api.get('/binaries/a/b'), 404);
    });
  });

  describe('bodies', () => {
    it('accepts a chunked config body', async () => {
      const body = chunked(['input.string = ', 'a b ', 'a']);
      const reply = await raw(
        requestText(
          'POST',
          `/jobs?appName=test&classPath=${WORD_COUNT}&sync=true`,
          { 'Transfer-Encoding': 'chunked' },
          body,
        ),
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
    });

    it('answers 413 in the API shape to an upload over the limit, chunked or with a Content-Length', async () => {
      const part = 'x'.repeat(16 * 1024);
      const parts = Array.from({ length: 6 }, () => part);
      const chunkedUpload = await raw(
        requestText('POST', '/binaries/big', { 'Transfer-Encoding': 'chunked' }, chunked(parts)),
      );
      expectRawError(chunkedUpload, 413, /upload limit/);
      const sized = await api.post('/binaries/big', Buffer.alloc(UPLOAD_LIMIT + 1, 'x'));
      expectError(sized, 413);
      expect(sized.body.result).toMatch(/upload limit/);
      expectError(await api.get('/binaries/big'), 404);
    });

    it('answers 415 to a body with a Content-Encoding it cannot decode, and accepts identity', async () => {
      for (const encoding of ['gzip', 'br', 'deflate, gzip']) {
        const reply = await raw(
          requestText(
            'POST',
            '/binaries/encoded',
            { 'Content-Encoding': encoding, 'Content-Length': '2' },
            '{}',
          ),
        );
        expectRawError(reply, 415, new RegExp(`Content-Encoding ${encoding} is not supported`));
      }
      const body = 'exports.A = { runJob: () => 1 };';
      const identity = await raw(
        requestText(
          'POST',
          '/binaries/encoded',
          { 'Content-Encoding': 'identity', 'Content-Length': String(body.length) },
          body,
        ),
      );
      expect(identity.status).toBe(201);
      const bodiless = await raw(
        requestText('GET', '/binaries/encoded', { 'Content-Encoding': 'gzip' }),
      );
      expect(bodiless.status).toBe(200);
    });

    it('answers 400 in the API shape to a config body that is not valid UTF-8', async () => {
      const res = await api.post(
        `/jobs?appName=test&classPath=${WORD_COUNT}`,
        Buffer.from([0x69, 0x3d, 0xff, 0xfe, 0x7b]),
      );
      expectError(res, 400);
    });
  });

  describe('requests Node refuses before routing', () => {
    it('answers 431 in the API shape, with Connection: close, to request headers that are too large', async () => {
      const reply = await raw(requestText('GET', '/binaries', { 'X-Big': 'x'.repeat(20 * 1024) }));
      expectRawError(reply, 431, /headers/);
      expect(reply.headers.connection).toBe('close');
    });

    it('answers 400 in the API shape, with Connection: close, to malformed requests', async () => {
      for (const request of [
        'GET /binaries HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n',
        'GET /binaries HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
        'NOT HTTP AT ALL\r\n\r\n',
      ]) {
        const reply = await raw(request);
        expectRawError(reply, 400);
        expect(reply.headers.connection).toBe('close');
      }
    });
  });

  describe('URLs and query params', () => {
    it('answers 400 to a path or a query string that does not percent-decode', async () => {
      expectRawError(await raw(requestText('GET', '/jobs/%E0%A4%A')), 400, /percent-encoded/);
      for (const query of [
        `appName=%E0%A4%A&classPath=${WORD_COUNT}`,
        `appName=test&classPath=%zz`,
      ]) {
        expectRawError(
          await raw(requestText('POST', `/jobs?${query}`, { 'Content-Length': '0' })),
          400,
          /percent-encoded/,
        );
      }
      expectRawError(await raw(requestText('GET', '/jobs?limit=%ff')), 400, /percent-encoded/);
    });

    it('answers 4xx, never 500, to a NUL character (%00) in a query value: 404 for an app name, 400 for a filter', async () => {
      expectError(await api.post(`/jobs/batch?appName=test%00&classPath=${WORD_COUNT}`, '[{}]'), 404, 'appName test\u0000 not found');
      expectError(await api.post(`/jobs/batch?appName=test&classPath=${WORD_COUNT}%00`, '[{}]'), 400);
      for (const filter of ['appName', 'classPath', 'context', 'q']) {
        expectError(await api.get(`/jobs?${filter}=t%00`), 400, `${filter} may not hold a NUL character (U+0000)`);
      }
      expectError(await api.get('/binaries/te%00st'), 404);
      expectError(await api.post('/contexts/c%00x/statements', '1'), 404);
    });

    it('answers 400 <param> given more than once for any repeated single-valued param', async () => {
      const base = {
        appName: 'test',
        classPath: WORD_COUNT,
        context: 'ctx',
        sync: 'true',
        timeout: '5',
      };
      for (const param of Object.keys(base)) {
        const query = new URLSearchParams(Object.entries(base));
        query.append(param, String(base[param as keyof typeof base]));
        expectError(
          await api.post(`/jobs?${query}`, 'input.string = a'),
          400,
          `${param} given more than once`,
        );
      }
      expectError(await api.get('/jobs?limit=1&limit=2'), 400, 'limit given more than once');
      expectError(
        await api.get('/jobs?status=ERROR&status=OK'),
        400,
        'status given more than once',
      );
      expectError(
        await api.delete('/contexts/ctx?force=true&force=true'),
        400,
        'force given more than once',
      );
      expectError(
        await api.post('/contexts/ctx?num-cpu-cores=1&num-cpu-cores=2'),
        400,
        'num-cpu-cores given more than once',
      );
      expectError(await api.get('/contexts/ctx'), 404);
    });

    it('answers 400 appName / classPath is required to empty or blank values', async () => {
      for (const classPath of ['', '%20', '%20%20%09']) {
        expectError(
          await api.post(`/jobs?appName=test&classPath=${classPath}`, 'input.string = a'),
          400,
          'classPath is required',
        );
      }
      for (const appName of ['', '%20']) {
        expectError(
          await api.post(`/jobs?appName=${appName}&classPath=${WORD_COUNT}`, 'input.string = a'),
          400,
          'appName is required',
        );
      }
    });
  });

  describe('ad-hoc context names', () => {
    const odd = 'my job/ü?x y';
    const bundle = `exports[${JSON.stringify(odd)}] = { runJob: () => 'ran' };`;

    it('names the ad-hoc context of a classPath with spaces, slashes, ? and unicode with name characters only', async () => {
      expect((await api.post('/binaries/odd', bundle)).status).toBe(201);
      const path = `/jobs?appName=odd&classPath=${encodeURIComponent(odd)}`;
      const sync = await api.post(`${path}&sync=true`, '');
      expect(sync.body).toMatchObject({ status: 'OK', result: 'ran' });
      const accepted = await api.post(path, '');
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      expect(accepted.body.context).toMatch(/^[0-9a-f]{8}-my_job___x_y$/);
      const rows = await server.query<{ name: string }>(
        `SELECT context_name AS name FROM jobs WHERE id = ANY($1::uuid[])`,
        [[sync.body.jobId, accepted.body.jobId]],
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row.name).toMatch(/^[0-9a-f]{8}-[A-Za-z0-9._-]+$/);
      const report = (await api.get(`/jobs/${sync.body.jobId}`)).body;
      expect(report.classPath).toBe(odd);
    });
  });
});
