import { ServiceUnavailable } from '@jobserver/protocol';

/** Which backing service an error says is down. */
export type DownService = 'Postgres' | 'Redis';

/** Socket-level failures: whichever client raised them, the peer is unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATE 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08 is connection_exception. */
const PG_OUTAGE_CODE = /^(57P0[123]|08[0-9A-Z]{3})$/;
/** What pg and pg-pool say when a connection ends or cannot be had in time. */
const PG_OUTAGE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/;
/** What ioredis says when a command cannot be sent or answered (closed, retries exhausted, timed out, no offline queue). */
const REDIS_OUTAGE_MESSAGE =
  /^Connection is closed\.?$|^Command timed out$|^Stream isn't writeable|^Reached the max retries per request limit/;

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  port?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/**
 * Whether `error` means Postgres or Redis is unreachable (the one place that decides it), or null.
 * A bare socket error names Redis when it is about one of `redisPorts` (the URL's, the sentinels',
 * the cluster nodes'), else Postgres: the gateway's other connections all go to Postgres. TypeORM's QueryFailedError and `cause` chains are looked through.
 */
export function outageOf(error: unknown, redisPorts: number | readonly number[]): DownService | null {
  const ports = typeof redisPorts === 'number' ? [redisPorts] : redisPorts;
  for (
    let current = error, depth = 0;
    current && typeof current === 'object' && depth < 5;
    depth++
  ) {
    if (current instanceof ServiceUnavailable) return current.service;
    const fields = current as ErrorFields;
    const code = typeof fields.code === 'string' ? fields.code : '';
    const message = typeof fields.message === 'string' ? fields.message : '';
    if (fields.name === 'MaxRetriesPerRequestError' || REDIS_OUTAGE_MESSAGE.test(message))
      return 'Redis';
    if (PG_OUTAGE_CODE.test(code) || PG_OUTAGE_MESSAGE.test(message)) return 'Postgres';
    if (NETWORK_CODES.has(code)) return ports.includes(fields.port as number) ? 'Redis' : 'Postgres';
    current = fields.driverError ?? fields.cause;
  }
  return null;
}
