import { usageError } from '../cli.error';

/** Commander collector of a repeatable option. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** `key=value` of `--set` / `-c`. @throws CliError (exit 2) */
export function keyValue(pair: string, flag: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw usageError(`${flag} takes key=value, not ${pair}`);
  return [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
}

/** A positive number of a flag. @throws CliError (exit 2) */
export function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw usageError(`${flag} takes a positive number, not ${value}`);
    return number;
  };
}

/** A whole number from `min` to `max` of a flag. @throws CliError (exit 2) */
export function wholeNumber(flag: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) throw usageError(`${flag} takes a whole number from ${min} to ${max}, not ${value}`);
    return number;
  };
}
