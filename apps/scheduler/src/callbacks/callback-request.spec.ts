import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackBody, callbackHeaders, callbackSignature } from './callback-request';

const id = '6f1c2f7e-1111-4222-8333-944445555666';
const error = { message: 'boom', errorClass: 'RangeError', stack: ['at x (a.js:1:1)'] };

describe('callback bodies (mainline shapes)', () => {
  it('finished: jobId and the result as stored, keys in order', () => {
    const body = callbackBody({
      id,
      status: 'FINISHED',
      result: '{"b":1,"a":[1,"x"]}',
      error: null,
    });
    expect(body).toBe(`{"jobId":"${id}","result":{"b":1,"a":[1,"x"]}}`);
    expect(JSON.parse(body)).toEqual({ jobId: id, result: { b: 1, a: [1, 'x'] } });
  });

  it('finished with an undefined result: result null', () => {
    expect(JSON.parse(callbackBody({ id, status: 'FINISHED', result: null, error: null }))).toEqual(
      { jobId: id, result: null },
    );
  });

  it('failed: status ERROR and the error object', () => {
    expect(JSON.parse(callbackBody({ id, status: 'ERROR', result: null, error }))).toEqual({
      jobId: id,
      status: 'ERROR',
      result: error,
    });
  });

  it("killed: status KILLED and the job's killed error (built when the row has none)", () => {
    const stored = { message: `Job ${id} killed`, errorClass: 'JobKilled', stack: [] };
    expect(JSON.parse(callbackBody({ id, status: 'KILLED', result: null, error: stored }))).toEqual(
      { jobId: id, status: 'KILLED', result: stored },
    );
    expect(
      JSON.parse(callbackBody({ id, status: 'KILLED', result: null, error: null })).result,
    ).toEqual(stored);
  });
});

describe('callback signature', () => {
  it('is the hex HMAC-SHA256 of the exact body bytes, UTF-8 included', () => {
    const body = '{"jobId":"x","result":"héllo ✓"}';
    const expected = createHmac('sha256', 'k').update(Buffer.from(body, 'utf8')).digest('hex');
    expect(callbackSignature('k', body)).toBe(`sha256=${expected}`);
    expect(callbackSignature('other', body)).not.toBe(`sha256=${expected}`);
    // A known vector (RFC 4231 test case 2), so the encoding is not only checked against itself.
    expect(callbackSignature('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('is sent only when a secret is set', () => {
    expect(callbackHeaders(id, '{}', undefined)).toEqual({
      'content-type': 'application/json',
      'x-jobserver-job': id,
    });
    expect(callbackHeaders(id, '{}', 'k')['x-jobserver-signature']).toBe(
      callbackSignature('k', '{}'),
    );
  });
});
