import { describe, expect, it } from 'vitest';
import { authorizationHeader } from './client.options';
import { JobserverClient, outcomeOf, reportOf } from './jobserver.client';
import { JobserverError } from './jobserver.error';

describe('JobserverClient', () => {
  it('refuses a URL that is not http(s), and keeps a path prefix without its trailing slash', () => {
    expect(() => new JobserverClient({ url: 'ftp://x' })).toThrow('not an http(s) URL: ftp://x');
    expect(() => new JobserverClient({ url: 'localhost:8090' })).toThrow(TypeError);
    expect(new JobserverClient({ url: 'https://x.example/jobs/' }).url).toBe('https://x.example/jobs');
  });

  it('sends an API key as Bearer and a user as Basic, UTF-8 encoded', () => {
    expect(authorizationHeader({ token: 'jsk_1' })).toBe('Bearer jsk_1');
    expect(authorizationHeader({ user: 'zoë', password: 'pässword' })).toBe(`Basic ${Buffer.from('zoë:pässword').toString('base64')}`);
    expect(authorizationHeader(undefined)).toBeUndefined();
  });

  it("turns a terminal event into the job's report and a report into a sync answer's outcome", () => {
    const event = { seq: 9, time: 't', type: 'finished', jobId: 'j', status: 'FINISHED', result: { a: 1 } } as const;
    const report = reportOf(event as never);
    expect(report).toEqual({ jobId: 'j', status: 'FINISHED', result: { a: 1 } });
    expect(outcomeOf(report)).toEqual({ status: 'OK', result: { a: 1 }, jobId: 'j' });
    expect(outcomeOf({ ...report, status: 'KILLED', result: undefined })).toEqual({ status: 'KILLED', result: null, jobId: 'j' });
  });
});

describe('JobserverError', () => {
  const error = (status: number, body: unknown) => new JobserverError({ kind: 'http', method: 'GET', url: 'http://x/jobs/1', status, body });

  it("reads API.md's error shape: label, result and a message naming the call", () => {
    const invalid = error(400, { status: 'VALIDATION FAILED', result: { message: 'No input', errorClass: 'ValidationFailed', stack: [] } });
    expect(invalid.label).toBe('VALIDATION FAILED');
    expect(invalid.message).toBe('GET http://x/jobs/1 answered 400: ValidationFailed: No input');
    expect(error(502, '<html>bad gateway</html>').message).toBe('GET http://x/jobs/1 answered 502: <html>bad gateway</html>');
  });

  it("tells a route the server lacks from a resource it does not have", () => {
    expect(error(404, { status: 'ERROR', result: 'Cannot GET /jobs/1/events' }).routeMissing).toBe(true);
    expect(error(405, { status: 'ERROR', result: 'method PUT not allowed on /jobs (allowed: GET, HEAD, POST)' }).routeMissing).toBe(true);
    expect(error(404, 'Not Found').routeMissing).toBe(true);
    expect(error(404, { status: 'ERROR', result: 'No such job ID 1' }).routeMissing).toBe(false);
    expect(error(400, { status: 'ERROR', result: 'Cannot GET /x' }).routeMissing).toBe(false);
  });
});
