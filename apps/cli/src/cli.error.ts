/** Exit codes of the CLI. */
export const EXIT = {
  /** Done; a job that finished. */
  ok: 0,
  /** A job that ended in error, or a request the server refused. */
  failed: 1,
  /** Bad usage, an unreachable server, refused credentials, a bad profile or config file. */
  usage: 2,
  /** Interrupted by Ctrl-C, or a job that was killed (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A failure the CLI reports in one line (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** Bad input of the user (a file, a flag value): exit 2. */
export const usageError = (message: string) => new CliError(message, EXIT.usage);
