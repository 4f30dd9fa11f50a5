import { describe, expect, it } from 'vitest';
import { commonPrefix, historyOf, historyStep, insertWord, wordBefore } from './console-input';

describe('completion helpers', () => {
  it('finds the identifier before the cursor, after a dot or an operator', () => {
    expect(wordBefore('greet', 5)).toBe('greet');
    expect(wordBefore('greeting.toUp', 13)).toBe('toUp');
    expect(wordBefore('x = fromC', 9)).toBe('fromC');
    expect(wordBefore('a + ', 4)).toBe('');
    expect(wordBefore('alpha beta', 5)).toBe('alpha');
  });

  it('replaces that identifier by the candidate and puts the cursor after it', () => {
    expect(insertWord('greeting.toUp()', 13, 'toUpperCase')).toEqual({
      code: 'greeting.toUpperCase()',
      cursor: 20,
    });
    expect(insertWord('x = ', 4, 'namedObjects')).toEqual({ code: 'x = namedObjects', cursor: 16 });
  });

  it('takes the common prefix of candidates', () => {
    expect(commonPrefix(['namedObjects', 'namedRdds'])).toBe('named');
    expect(commonPrefix(['a', 'b'])).toBe('');
    expect(commonPrefix([])).toBe('');
  });
});

describe('historyStep', () => {
  const history = ['one', 'two', 'three'];
  const fresh = { index: null, draft: '' };

  it('walks up from the newest statement, keeping the draft, and stops at the oldest', () => {
    const up1 = historyStep(history, fresh, 'typing', -1)!;
    expect(up1).toEqual({ code: 'three', position: { index: 2, draft: 'typing' } });
    const up2 = historyStep(history, up1.position, up1.code, -1)!;
    const up3 = historyStep(history, up2.position, up2.code, -1)!;
    expect(up3.code).toBe('one');
    expect(historyStep(history, up3.position, up3.code, -1)).toBeUndefined();
  });

  it('walks down back to the draft, and does nothing below it', () => {
    const down = historyStep(history, { index: 1, draft: 'typing' }, 'two', 1)!;
    expect(down).toEqual({ code: 'three', position: { index: 2, draft: 'typing' } });
    expect(historyStep(history, down.position, down.code, 1)).toEqual({
      code: 'typing',
      position: fresh,
    });
    expect(historyStep(history, fresh, 'typing', 1)).toBeUndefined();
    expect(historyStep([], fresh, '', -1)).toBeUndefined();
  });

  it('drops repeats in a row and codeless statements from the history', () => {
    expect(historyOf(['a', 'a', 'b', 'a'])).toEqual(['a', 'b', 'a']);
    expect(historyOf(['a', '', 'a', 'b'])).toEqual(['a', 'b']);
  });
});
