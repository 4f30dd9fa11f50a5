import { describe, expect, it } from 'vitest';
import { parseAuthNotice, parseJobDetailMessage, parseServerEvent, parseWorkerControl, ProtocolError } from './parse';
import { toErrorInfo } from './error-info';

describe('protocol parsing', () => {
  it('accepts well-formed job and context events', () => {
    expect(parseServerEvent('{"kind":"job","jobId":"j","context":"c","status":"FINISHED"}').kind).toBe('job');
    expect(parseServerEvent('{"kind":"context","context":"c","contextId":"i","state":"RUNNING"}').kind).toBe('context');
  });

  it.each(['not json', '42', '{"kind":"job","jobId":1}', '{"kind":"other"}'])('rejects the event %s', (raw) => {
    expect(() => parseServerEvent(raw)).toThrow(ProtocolError);
  });

  it('accepts a job detail message whose events have seq, time and a detail type', () => {
    const message = { jobId: 'j', events: [{ seq: 3, time: '2026-12-02T00:00:00.000Z', type: 'progress', fraction: 0.5 }] };
    expect(parseJobDetailMessage(JSON.stringify(message))).toEqual(message);
  });

  it.each([
    '{"events":[]}',
    '{"jobId":"j"}',
    '{"jobId":"j","events":[1]}',
    '{"jobId":"j","events":[{"seq":"3","time":"t","type":"log"}]}',
    '{"jobId":"j","events":[{"seq":3,"type":"log"}]}',
    '{"jobId":"j","events":[{"seq":3,"time":"t","type":"finished"}]}',
  ])('rejects the job detail message %s', (raw) => {
    expect(() => parseJobDetailMessage(raw)).toThrow(ProtocolError);
  });

  it('rejects a cancel without a job id', () => {
    expect(() => parseWorkerControl('{"type":"cancel","context":"c"}')).toThrow(ProtocolError);
    expect(parseWorkerControl('{"type":"stop","context":"c"}').type).toBe('stop');
  });

  it('accepts a kill only with the id of the context life it ends', () => {
    expect(() => parseWorkerControl('{"type":"kill","context":"c"}')).toThrow(ProtocolError);
    expect(parseWorkerControl('{"type":"kill","context":"c","contextId":"i"}')).toEqual({
      type: 'kill',
      context: 'c',
      contextId: 'i',
    });
  });
});

describe('named-object catalog messages', () => {
  it('reads an objects request and its answer (null objects: the executor was busy), refusing malformed ones', () => {
    expect(parseWorkerControl('{"type":"objects","context":"c","requestId":"r","remove":"x"}')).toEqual({ type: 'objects', context: 'c', requestId: 'r', remove: 'x' });
    expect(() => parseWorkerControl('{"type":"objects","context":"c"}')).toThrow(ProtocolError);
    const answer = { kind: 'objects', context: 'c', requestId: 'r', objects: [], removed: false };
    expect(parseServerEvent(JSON.stringify(answer))).toEqual(answer);
    expect(parseServerEvent('{"kind":"objects","context":"c","requestId":"r","objects":null}')).toMatchObject({ objects: null });
    for (const raw of ['{"kind":"objects","context":"c","objects":[]}', '{"kind":"objects","context":"c","requestId":"r","objects":{}}']) {
      expect(() => parseServerEvent(raw), raw).toThrow(ProtocolError);
    }
  });
});

describe('snapshot messages', () => {
  it('reads a snapshot request and its answers (a snapshot, a refusal, neither: busy), refusing one without a request id', () => {
    expect(parseWorkerControl('{"type":"snapshot","context":"c","requestId":"r"}')).toEqual({ type: 'snapshot', context: 'c', requestId: 'r' });
    expect(() => parseWorkerControl('{"type":"snapshot","context":"c"}')).toThrow(ProtocolError);
    const snapshot = { id: 'i', context: 'c', createdAt: '2026-01-01T00:00:00.000Z', objects: ['a'], skipped: [], bytes: 3 };
    const answers = [
      { kind: 'snapshot', context: 'c', requestId: 'r', snapshot },
      { kind: 'snapshot', context: 'c', requestId: 'r', refusal: { status: 413, message: 'too large' } },
      { kind: 'snapshot', context: 'c', requestId: 'r' },
    ];
    for (const answer of answers) expect(parseServerEvent(JSON.stringify(answer))).toEqual(answer);
    expect(() => parseServerEvent('{"kind":"snapshot","context":"c"}')).toThrow(ProtocolError);
  });
});

describe('toErrorInfo', () => {
  it('keeps the error class and one string per stack frame', () => {
    const info = toErrorInfo(new RangeError('too far'));
    expect(info.errorClass).toBe('RangeError');
    expect(info.message).toBe('too far');
    expect(info.stack.length).toBeGreaterThan(0);
    expect(info.stack.every((frame) => frame.startsWith('at '))).toBe(true);
  });

  it('describes a thrown non-error', () => {
    expect(toErrorInfo('plain')).toEqual({ message: 'plain', errorClass: 'Error', stack: [] });
  });

  it('reads auth notices (a revoked key, a blocked address) and rejects anything else', () => {
    expect(parseAuthNotice('{"type":"key-revoked","keyId":"k1"}')).toEqual({ type: 'key-revoked', keyId: 'k1' });
    const block = { type: 'address-blocked', address: '10.0.0.1', seconds: 42 };
    expect(parseAuthNotice(JSON.stringify(block))).toEqual(block);
    for (const raw of ['k1', '{"keyId":"k1"}', '{"type":"key-revoked","keyId":1}', 'null',
      '{"type":"address-blocked","address":"a","seconds":0}', '{"type":"address-blocked","seconds":3}']) {
      expect(() => parseAuthNotice(raw), raw).toThrow(ProtocolError);
    }
  });
});
