import { describe, expect, it } from 'vitest';
import { admitsStream, asksForStream, prefersHtml } from './accept';

describe('prefersHtml', () => {
  it('takes a browser navigation for HTML', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(
      true,
    );
  });
  it('leaves curl, JSON clients and a missing header with JSON', () => {
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
  });
  it('honours q values, text/* and refusals', () => {
    expect(prefersHtml('text/*')).toBe(true);
    expect(prefersHtml('text/html;q=0')).toBe(false);
    expect(prefersHtml('text/html;q=0.9, application/json;q=0.9')).toBe(true);
    expect(prefersHtml('TEXT/HTML; Q=0.5')).toBe(true);
  });
});

describe('asksForStream (GET /jobs/<id>/events)', () => {
  it('streams only when text/event-stream is named with a q above 0, not below JSON', () => {
    expect(asksForStream('text/event-stream')).toBe(true);
    expect(asksForStream('TEXT/EVENT-STREAM; charset=utf-8')).toBe(true);
    expect(asksForStream('text/event-stream, application/json;q=0.5')).toBe(true);
    expect(asksForStream(undefined)).toBe(false);
    expect(asksForStream('*/*')).toBe(false);
    expect(asksForStream('text/*')).toBe(false);
    expect(asksForStream('text/event-stream;q=0, application/json')).toBe(false);
    expect(asksForStream('text/event-stream;q=0.4, application/json')).toBe(false);
  });
});

describe('admitsStream (GET /events)', () => {
  it('admits no header, the type itself, text/* and */* unless refused with q=0', () => {
    for (const accept of [undefined, '', 'text/event-stream', 'text/*', '*/*', 'application/json, text/event-stream']) {
      expect(admitsStream(accept), String(accept)).toBe(true);
    }
    for (const accept of ['application/json', 'text/event-stream;q=0', 'text/html']) expect(admitsStream(accept), accept).toBe(false);
  });
});

