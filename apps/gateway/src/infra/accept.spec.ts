import { describe, expect, it } from 'vitest';
import { prefersHtml } from './accept';

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
