import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers the errors Fastify raises before routing (a URL that does not decode, a path
 * parameter over `maxParamLength`) with API.md's `{"status", "result"}` body, as 400s: both
 * are bad client input.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const result =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a name in the path is too long (names hold at most 100 characters)'
      : error.code === 'FST_ERR_BAD_URL'
        ? `the URL is not validly percent-encoded: ${error.message}`
        : error.message;
  void reply
    .status(400)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ status: 'ERROR', result }));
}
