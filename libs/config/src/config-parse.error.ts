/** Text that is not a config we accept: not a JSON object nor our HOCON subset, or over a limit. */
export class ConfigParseError extends Error {
  override readonly name = 'ConfigParseError';
}

/** A ConfigParseError that says where in the text the problem is (1-based line and column). */
export function parseErrorAt(reason: string, line: number, column: number): ConfigParseError {
  return new ConfigParseError(`${reason} at line ${line}, column ${column}`);
}
