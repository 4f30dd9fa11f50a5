import { describe, expect, it } from 'vitest';
import { dataFilename, dataPrefixProblem, isDataFilename } from './data-names';

describe('data file names', () => {
  it('accepts prefixes like app names', () => {
    for (const prefix of ['input', 'a', '9lives', 'my_file.v2-b', 'x'.repeat(100)]) expect(dataPrefixProblem(prefix)).toBeNull();
  });

  it('says what is wrong with a bad prefix', () => {
    expect(dataPrefixProblem('')).toMatch(/must not be empty/);
    expect(dataPrefixProblem('a/b')).toMatch(/only contain letters, digits and \._-/);
    expect(dataPrefixProblem('..')).toMatch(/must start with a letter or digit/);
    expect(dataPrefixProblem('-x')).toMatch(/must start with a letter or digit/);
    expect(dataPrefixProblem('a\u0000b')).toMatch(/only contain/);
    expect(dataPrefixProblem('données')).toMatch(/only contain/);
    expect(dataPrefixProblem('x'.repeat(1000))).toMatch(/at most 100 characters/);
  });

  it('makes filenames with ms time, a suffix on retries, that pass the lookup rule', () => {
    const time = new Date('2026-12-02T13:00:00.123Z');
    expect(dataFilename('in', time)).toBe('in-2026-12-02T13:00:00.123Z.dat');
    expect(dataFilename('in', time, 2)).toBe('in-2026-12-02T13:00:00.123Z-2.dat');
    expect(isDataFilename(dataFilename('x'.repeat(100), time, 9))).toBe(true);
    expect(isDataFilename('../etc/passwd')).toBe(false);
    expect(isDataFilename('a\u0000')).toBe(false);
  });
});
