import { describe, expect, it } from 'vitest';
import { CliError } from '../cli.error';
import { wholeNumber } from './options';

describe('wholeNumber', () => {
  const priority = wholeNumber('--priority', 0, 100);

  it('takes whole numbers in its range', () => {
    expect(priority('0')).toBe(0);
    expect(priority('80')).toBe(80);
    expect(priority('100')).toBe(100);
  });

  it.each(['-1', '101', '1.5', 'high', '', '1e2'])('refuses %j as a usage error naming the flag', (value) => {
    expect(() => priority(value)).toThrow(CliError);
    expect(() => priority(value)).toThrow(`--priority takes a whole number from 0 to 100, not ${value}`);
  });

  it.each(['-1', '11', '1.5', 'x'])('refuses --retries %j (0 to 10)', (value) => {
    const retries = wholeNumber('--retries', 0, 10);
    expect(retries('10')).toBe(10);
    expect(() => retries(value)).toThrow(`--retries takes a whole number from 0 to 10, not ${value}`);
  });
});
