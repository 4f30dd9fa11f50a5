import { describe, expect, it } from 'vitest';
import { jsonbParam, textParam } from './pg-values';

describe('jsonbParam', () => {
  it('replaces U+0000 and lone surrogates by U+FFFD, keeps pairs and text that merely looks like an escape', () => {
    const value = { a: 'x\u0000y', b: ['\ud800', 'z\udfff'], pair: '😀', literal: '\\u0000 and \\\\u0000', [`k\u0000`]: 1 };
    expect(JSON.parse(jsonbParam(value))).toEqual({
      a: 'x\ufffdy',
      b: ['\ufffd', 'z\ufffd'],
      pair: '😀',
      literal: '\\u0000 and \\\\u0000',
      'k\ufffd': 1,
    });
    expect(jsonbParam({ plain: 'text' })).toBe('{"plain":"text"}');
  });
});

describe('textParam', () => {
  it('replaces U+0000 by U+FFFD', () => {
    expect(textParam('a\u0000b\u0000')).toBe('a\ufffdb\ufffd');
    expect(textParam('plain')).toBe('plain');
  });
});
