import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './framework-errors';

/**
 * Refuses, before any route runs, what no route could make sense of, with API.md's error body:
 * - a body with a `Content-Encoding` other than `identity` → 415 (bodies are read as they arrive, never
 *   decompressed: a gzipped bundle would otherwise be taken for a tgz);
 * - a query string that does not percent-decode → 400 (Fastify's parser would keep the raw text);
 * - a query param given more than once → 400 `<param> given more than once` (every query param
 *   of the API is single-valued; Fastify would hand the route an array).
 */
export function refuseUnreadableRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const problem = encodingProblem(request) ?? queryProblem(request);
    if (!problem) return done();
    sendError(reply, problem[0], problem[1]);
  });
}

type Problem = [status: number, result: string];

function encodingProblem(request: FastifyRequest): Problem | undefined {
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') return undefined;
  const hasBody =
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return undefined;
  return [415, `Content-Encoding ${encoding} is not supported: send the body uncompressed`];
}

function queryProblem(request: FastifyRequest): Problem | undefined {
  const start = request.url.indexOf('?');
  if (start < 0) return undefined;
  // Only a `%` escape can fail to decode: a query without one (the usual job POST) needs no split.
  if (request.url.includes('%', start)) {
    for (const part of request.url.slice(start + 1).split('&')) {
      if (!decodes(part))
        return [400, `the query string is not validly percent-encoded: ${part.slice(0, 100)}`];
    }
  }
  const query = request.query as Record<string, unknown>;
  const repeated = Object.keys(query).find((key) => Array.isArray(query[key]));
  return repeated === undefined ? undefined : [400, `${repeated} given more than once`];
}

function decodes(part: string): boolean {
  try {
    decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}
