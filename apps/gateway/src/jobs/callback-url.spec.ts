import { describe, expect, it } from 'vitest';
import { checkCallbackUrl } from './callback-url';

describe('checkCallbackUrl', () => {
  it('accepts absolute http and https URLs, normalized', () => {
    expect(checkCallbackUrl('http://127.0.0.1:9000/done?x=1', [])).toBe(
      'http://127.0.0.1:9000/done?x=1',
    );
    expect(checkCallbackUrl('HTTPS://Hooks.Example.com', [])).toBe('https://hooks.example.com/');
    expect(checkCallbackUrl('http://[::1]:8080/cb', [])).toBe('http://[::1]:8080/cb');
  });

  it.each([
    ['ftp://x', 'callbackUrl must be an http or https URL, not ftp:'],
    ['javascript:alert(1)', 'callbackUrl must be an http or https URL, not javascript:'],
    ['file:///etc/passwd', 'callbackUrl must be an http or https URL, not file:'],
    ['http://', 'callbackUrl must be an absolute http or https URL'],
    ['/relative/path', 'callbackUrl must be an absolute http or https URL'],
    ['', 'callbackUrl must be an absolute http or https URL'],
    ['http://user:secret@example.com/', 'callbackUrl must not hold credentials'],
    ['http://user@example.com/', 'callbackUrl must not hold credentials'],
    [`http://example.com/${'a'.repeat(10 * 1024)}`, 'callbackUrl must be at most 2048 characters'],
  ])('refuses %s', (raw, message) => {
    expect(() => checkCallbackUrl(raw, [])).toThrow(message);
  });

  it('refuses a URL that grows past the limit once normalized', () => {
    expect(() => checkCallbackUrl(`http://example.com/${'<'.repeat(1000)}`, [])).toThrow(
      'once normalized',
    );
  });

  it('keeps to callback-allow-hosts when set: exact names and *. subdomains', () => {
    const allow = ['hooks.example.com', '*.internal.test'];
    expect(checkCallbackUrl('https://hooks.example.com/x', allow)).toBe(
      'https://hooks.example.com/x',
    );
    expect(checkCallbackUrl('http://a.b.internal.test/', allow)).toBe('http://a.b.internal.test/');
    expect(() => checkCallbackUrl('http://169.254.169.254/latest', allow)).toThrow(
      'callbackUrl host 169.254.169.254 is not in callback-allow-hosts',
    );
    expect(() => checkCallbackUrl('http://evilinternal.test/', allow)).toThrow(
      'not in callback-allow-hosts',
    );
    expect(() => checkCallbackUrl('http://internal.test/', allow)).toThrow(
      'not in callback-allow-hosts',
    );
  });
});
