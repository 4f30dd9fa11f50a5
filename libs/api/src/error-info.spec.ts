import { describe, expect, it } from 'vitest';
import { capErrorInfo, RetryableError, toErrorInfo, type ErrorInfo } from './error-info';

const size = (info: ErrorInfo) => Buffer.byteLength(JSON.stringify(info), 'utf8');
const frames = (n: number) => Array.from({ length: n }, (_, i) => `at frame${i} (file:///job.mjs:${i}:1)`);

describe('capErrorInfo', () => {
  it('leaves an error within max-error-size as it is', () => {
    const info = { message: 'boom', errorClass: 'Error', stack: frames(3) };
    expect(capErrorInfo(info, 64 * 1024)).toBe(info);
  });

  it('cuts a 20 MB message with a note saying so, within the limit, keeping the first frames', () => {
    const info = { message: 'x'.repeat(20 * 1024 * 1024), errorClass: 'RangeError', stack: frames(50) };
    const capped = capErrorInfo(info, 64 * 1024);
    expect(size(capped)).toBeLessThanOrEqual(64 * 1024);
    expect(capped.message).toMatch(/^x+… \(truncated: 20\.0 MB message\)$/);
    expect(capped.message.length).toBeGreaterThan(40 * 1024);
    expect(capped.errorClass).toBe('RangeError');
    expect(capped.stack).toEqual(frames(50));
  });

  it('keeps frames while they fit and drops the rest', () => {
    const info = { message: 'short', errorClass: 'Error', stack: frames(10_000) };
    const capped = capErrorInfo(info, 4096);
    expect(size(capped)).toBeLessThanOrEqual(4096);
    expect(capped.message).toBe('short');
    expect(capped.stack.length).toBeGreaterThan(10);
    expect(capped.stack).toEqual(frames(capped.stack.length));
  });

  it('measures bytes, not characters, and never splits a surrogate pair', () => {
    const info = { message: '😀'.repeat(100_000), errorClass: 'Error', stack: [] };
    const capped = capErrorInfo(info, 2048);
    expect(size(capped)).toBeLessThanOrEqual(2048);
    expect(capped.message).toMatch(/^(😀)+… \(truncated: 390\.6 KB message\)$/);
  });

  it('cuts messages that JSON escapes heavily (quotes, control characters)', () => {
    const capped = capErrorInfo({ message: '"\u0001'.repeat(50_000), errorClass: 'Error', stack: [] }, 2048);
    expect(size(capped)).toBeLessThanOrEqual(2048);
    expect(capped.message).toMatch(/truncated/);
  });
});

describe('toErrorInfo and retryable', () => {
  it('keeps retryable: true of a thrown error, and of a RetryableError', () => {
    expect(toErrorInfo(Object.assign(new Error('flaky'), { retryable: true }))).toMatchObject({ message: 'flaky', errorClass: 'Error', retryable: true });
    expect(toErrorInfo(new RetryableError('busy'))).toMatchObject({ message: 'busy', errorClass: 'RetryableError', retryable: true });
  });

  it('leaves the flag out of a plain error, a truthy non-true value, and a throwing getter', () => {
    const getter = Object.defineProperty(new Error('x'), 'retryable', { get: () => { throw new Error('no'); } });
    for (const error of [new Error('plain'), Object.assign(new Error('s'), { retryable: 'yes' }), getter, 'a string']) {
      expect(toErrorInfo(error)).not.toHaveProperty('retryable');
    }
  });

  it('keeps the flag when the error is capped', () => {
    const capped = capErrorInfo({ message: 'x'.repeat(10_000), errorClass: 'Error', stack: [], retryable: true }, 1024);
    expect(capped.retryable).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(capped))).toBeLessThanOrEqual(1024);
  });
});

describe('toErrorInfo', () => {
  it("reads an Error's message, name and stack frames", () => {
    const error = new RangeError('far');
    expect(toErrorInfo(error)).toEqual({ message: 'far', errorClass: 'RangeError', stack: expect.arrayContaining([expect.stringMatching(/^at /)]) });
    expect(toErrorInfo(42)).toEqual({ message: '42', errorClass: 'Error', stack: [] });
  });

  it('never throws, whatever was thrown: odd fields, null prototypes, throwing getters and conversions', () => {
    const stackIsNumber = Object.assign(new Error('boom'), { stack: 7 });
    const nameIsNumber = Object.assign(new Error('boom'), { name: 42 });
    const nameThrows = new Error('boom');
    Object.defineProperty(nameThrows, 'name', { get: () => { throw new Error('name boom'); } });
    const messageThrows = { get message(): string { throw new Error('no'); } };
    const unprintable = { [Symbol.toPrimitive]: () => { throw new Error('no'); } };
    expect(toErrorInfo(stackIsNumber)).toEqual({ message: 'boom', errorClass: 'Error', stack: [] });
    expect(toErrorInfo(nameIsNumber)).toMatchObject({ message: 'boom', errorClass: 'Error' });
    expect(toErrorInfo(nameThrows)).toMatchObject({ message: 'boom', errorClass: 'Error' });
    expect(toErrorInfo(Object.create(null))).toEqual({ message: '[object Object]', errorClass: 'Error', stack: [] });
    expect(toErrorInfo({ message: Object.create(null) })).toEqual({ message: '[object Object]', errorClass: 'Error', stack: [] });
    expect(toErrorInfo(messageThrows)).toEqual({ message: '[object Object]', errorClass: 'Error', stack: [] });
    expect(toErrorInfo(unprintable)).toEqual({ message: '[object Object]', errorClass: 'Error', stack: [] });
    expect(toErrorInfo({ message: 'ok', name: 42, stack: 5 })).toEqual({ message: 'ok', errorClass: 'Error', stack: [] });
    expect(toErrorInfo(Symbol('s'))).toEqual({ message: 'Symbol(s)', errorClass: 'Error', stack: [] });
  });
});

