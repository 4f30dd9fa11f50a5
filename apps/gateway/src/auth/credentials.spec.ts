import { describe, expect, it } from 'vitest';
import { MAX_AUTHORIZATION_LENGTH, parseAuthorization } from './credentials';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseAuthorization', () => {
  it('reads Basic user:password, the password keeping its colons, and any scheme case', () => {
    expect(parseAuthorization(`Basic ${b64('alice:s3:cret')}`)).toEqual({
      scheme: 'basic',
      user: 'alice',
      password: 's3:cret',
    });
    expect(parseAuthorization(`basic ${b64('alice:')}`)).toEqual({
      scheme: 'basic',
      user: 'alice',
      password: '',
    });
    expect(parseAuthorization(`Basic ${b64('ünï☃:pw')}`)).toEqual({
      scheme: 'basic',
      user: 'ünï☃',
      password: 'pw',
    });
  });

  it('reads a Bearer token', () => {
    expect(parseAuthorization('Bearer jsk_abc-DEF_123')).toEqual({
      scheme: 'bearer',
      token: 'jsk_abc-DEF_123',
    });
  });

  it('takes one or more spaces after the scheme (RFC 7235: 1*SP)', () => {
    expect(parseAuthorization(`Basic  ${b64('alice:pw')}`)).toEqual({ scheme: 'basic', user: 'alice', password: 'pw' });
    expect(parseAuthorization('Bearer   jsk_abc')).toEqual({ scheme: 'bearer', token: 'jsk_abc' });
  });

  it.each([
    ['no scheme', b64('alice:pw')],
    ['the scheme alone', 'Basic'],
    ['an empty credential', 'Basic '],
    ['bad base64', 'Basic !!!'],
    ['base64 of the wrong length', 'Basic YWxpY2U6cHc'],
    ['trailing text', `Basic ${b64('alice:pw')} more`],
    ['no colon', `Basic ${b64('alice')}`],
    ['an empty user', `Basic ${b64(':pw')}`],
    [
      'bytes that are not UTF-8',
      `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
    ],
    ['control characters', `Basic ${b64('ali\nce:pw')}`],
    ['an unknown scheme', 'Digest username="alice"'],
    ['an empty bearer', 'Bearer '],
    ['a bearer with spaces', 'Bearer a b'],
    ['unicode in the header', 'Basic ünï☃'],
    ['a 10 KB header', `Basic ${'A'.repeat(10 * 1024)}`],
    ['a header just over the limit', `Bearer ${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}`],
  ])('refuses %s', (_what, header) => {
    expect(parseAuthorization(header)).toBeUndefined();
  });
});
