import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHocon } from './hocon.parser';

/** Inputs per property (`FUZZ_RUNS=200000` for a long run, as in hocon.fuzz.spec.ts). */
const numRuns = Number(process.env.FUZZ_RUNS ?? 1000);
const timeout = Math.max(30_000, numRuns * 5);

/** What a parse gives: its value, or the message it is refused with. */
function outcome(text: string, plainLines: boolean, maxDepth = 64): unknown {
  try {
    return { value: parseHocon(text, maxDepth, plainLines) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Pieces of plain lines (the shortcut's alphabet) and of everything the shortcut must leave alone. */
const PIECES = [
  'a',
  'b',
  'k1',
  'x-y',
  'z_',
  '0',
  '12',
  '-3',
  '1.5',
  '1e5',
  'true',
  'null',
  'include',
  '__proto__',
  '.',
  '..',
  ' ',
  '\t',
  '=',
  ':',
  '+=',
  '\n',
  '\r\n',
  ',',
  '{',
  '}',
  '[',
  ']',
  '"q"',
  '#c',
  '//c',
  '/',
  '+',
  '$',
  '|',
  '\u00a0',
  'é',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));
const plainLine = fc
  .tuple(
    fc.array(fc.constantFrom('a', 'b', 'c', 'k1', '__proto__', 'include'), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.constantFrom(' = ', '=', ': ', ' :\t'),
    fc.array(fc.constantFrom('1', '-2', '3.5', 'true', 'null', 'x', 'a.b', '1e3'), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([path, separator, words]) => `${path.join('.')}${separator}${words.join(' ')}`);
const plainLines = fc
  .array(fc.oneof(plainLine, text), { maxLength: 12 })
  .map((lines) => lines.join('\n'));

describe('the plain-lines shortcut of the HOCON parser', { timeout }, () => {
  it('gives what the token-by-token parser gives, value or error, on arbitrary mixes', () => {
    fc.assert(
      fc.property(fc.oneof(text, plainLines), (input) => {
        expect(outcome(input, true)).toEqual(outcome(input, false));
      }),
      { numRuns },
    );
  });

  it('gives the same depth errors as the token-by-token parser', () => {
    fc.assert(
      fc.property(plainLines, fc.integer({ min: 1, max: 4 }), (input, maxDepth) => {
        expect(outcome(input, true, maxDepth)).toEqual(outcome(input, false, maxDepth));
      }),
      { numRuns },
    );
  });

  it('keeps merging dotted plain lines into objects that other lines opened', () => {
    const input = 'a { x = 1 }\na.y = 2\na.x.z = 3\nb = 1\nb.c = 2\n__proto__ = 4';
    expect(outcome(input, true)).toEqual({
      value: JSON.parse('{"a":{"x":{"z":3},"y":2},"b":{"c":2},"__proto__":4}'),
    });
    expect(outcome(input, true)).toEqual(outcome(input, false));
  });

  it('reports errors after plain lines at the line and column the token-by-token parser names', () => {
    const input = 'a = 1\nb = 2\nc = 3\nd = ${x}';
    expect(outcome(input, true)).toEqual({ error: expect.stringContaining('line 4') });
    expect(outcome(input, true)).toEqual(outcome(input, false));
  });
});

describe('numbers in plain lines', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['7', 7],
    ['-7', -7],
    ['123', 123],
    ['-123', -123],
    ['007', '007'],
    ['-', '-'],
    ['--1', '--1'],
    ['-01', '-01'],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['12a', '12a'],
    ['9007199254740993', 9007199254740993],
  ])('reads %s as the token-by-token parser does', (text, expected) => {
    expect(outcome(`n = ${text}`, true)).toEqual({ value: { n: expected } });
    expect(outcome(`n = ${text}`, true)).toEqual(outcome(`n = ${text}`, false));
  });
});
