import { JobserverError } from '@jobserver/client';
import { CliError, EXIT } from './cli.error';
import type { Target } from './connection/connect';

/** A failure as the one line the CLI prints, and its exit code. */
export interface Failure {
  message: string;
  exitCode: number;
}

/** Turns anything a command threw into one line and an exit code (never a stack trace). */
export function describeFailure(error: unknown, target: Target | undefined): Failure {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof JobserverError) return describeServerError(error, target);
  if (error instanceof Error) return { message: error.message, exitCode: EXIT.failed };
  return { message: String(error), exitCode: EXIT.failed };
}

function describeServerError(error: JobserverError, target: Target | undefined): Failure {
  const server = target?.url ?? new URL(error.url, 'http://x').origin;
  const from = target && target.source !== 'default' ? ` (from ${target.source})` : '';
  if (error.kind === 'aborted') return { message: 'interrupted', exitCode: EXIT.interrupted };
  if (error.kind === 'unreachable') {
    const detail = error.status === 503 ? `${typeof error.result === 'string' ? error.result : 'unavailable'} (503)` : error.reason;
    return { message: `cannot reach the jobserver at ${server}${from}: ${detail}`, exitCode: EXIT.usage };
  }
  if (error.status === 503) {
    const said = typeof error.result === 'string' ? error.result : 'unavailable';
    return { message: `the jobserver at ${server} is unavailable: ${said} (503)`, exitCode: EXIT.usage };
  }
  if (error.status === 401) {
    const sent = target?.auth ? ('token' in target.auth ? 'the API key' : `user ${target.auth.user}`) : undefined;
    return {
      message: sent
        ? `the jobserver at ${server} refused the credentials (${sent} from ${target?.authSource}): wrong or revoked`
        : `the jobserver at ${server} needs credentials: set JOBSERVER_TOKEN, or JOBSERVER_USER and JOBSERVER_PASSWORD, or use a profile`,
      exitCode: EXIT.usage,
    };
  }
  if (error.status === 429) return { message: `the jobserver at ${server} refuses for a while: too many failed logins (429)`, exitCode: EXIT.usage };
  if (error.routeMissing) {
    const path = new URL(error.url, 'http://x').pathname;
    return {
      message: `the jobserver at ${server} has no route ${error.method} ${path}: it is older than this CLI`,
      exitCode: EXIT.failed,
    };
  }
  const result = error.result;
  if (error.label === 'VALIDATION FAILED') {
    return { message: `validation failed: ${typeof result === 'string' ? result : (result?.message ?? '')}`, exitCode: EXIT.failed };
  }
  const said = typeof result === 'string' ? result : result ? `${result.errorClass}: ${result.message}` : error.message;
  return { message: `${said}${error.label && error.label !== 'ERROR' ? ` (${error.label})` : ''}`, exitCode: EXIT.failed };
}
