import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Sends API.md's error body `{"status":"ERROR","result":…}` with `status`. */
export function sendError(reply: FastifyReply, status: number, result: string): void {
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ status: 'ERROR', result }));
}

/**
 * Answers the errors Fastify raises before routing (a URL that does not decode, a path
 * parameter over `maxParamLength`) with API.md's `{"status", "result"}` body, as 400s: both
 * are bad client input.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const result =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a name in the path is too long (names hold at most 100 characters)'
      : error.code === 'FST_ERR_BAD_URL'
        ? `the URL is not validly percent-encoded: ${error.message}`
        : error.message;
  sendError(reply, 400, result);
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (its `clientError`):
 * request headers over Node's `maxHeaderSize` → 431, a request that is not valid HTTP/1.1 → 400,
 * a request that took too long → 408, each with API.md's error body and `Connection: close`
 * (the parser cannot go on reading this connection).
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string; reason?: string },
  socket: Duplex,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, result] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `request headers are too large (at most ${maxHeaderSize} bytes)`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request was not received in time']
        : [400, `malformed HTTP request: ${error.reason ?? error.code ?? error.message}`];
  this.log.debug({ err: error }, `client error answered ${status}`);
  const body = JSON.stringify({ status: 'ERROR', result });
  if (!socket.writable) return void socket.destroy(error);
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  // end, not write + destroy: the answer is flushed before the socket goes.
  socket.end(head + body, () => socket.destroy());
}
