import { describe, expect, it } from 'vitest';
import { isComplete } from './completeness';

describe('isComplete', () => {
  it('takes whole statements, top-level await and syntax errors (the server answers those) as complete', () => {
    for (const code of ['1 + 1', 'const a = [1, 2]', 'await load("x")', 'function f() { return 1 }', 'a b c', '}', '']) {
      expect(isComplete(code), code).toBe(true);
    }
  });

  it('waits for more lines while a bracket, string, template or comment is open, or after a backslash', () => {
    for (const code of ['function f() {', 'const a = [1,', 'f(1,\n  2', '`a ${b}', 'const s = `x', '/* note', 'x = 1 +', 'a \\']) {
      expect(isComplete(code), code).toBe(false);
    }
    expect(isComplete('function f() {\n  return 1\n}')).toBe(true);
  });
});
