import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { sendError } from './framework-errors';

/** One registered URL pattern and the methods routed on it. */
interface RoutePattern {
  matcher: RegExp;
  methods: Set<string>;
}

/**
 * Answers a request for a path that is routed, but not for its method: 405 with `Allow` (the
 * path's methods), and OPTIONS with 204 and `Allow`. The methods come from the routes as
 * Fastify registers them (its `onRoute` hook), so the answer follows the controllers; HEAD is
 * allowed wherever GET is (Fastify answers it). Wildcard (`*`) routes only exist to refuse
 * names holding a `/`: they do not make a path known, so `GET /binaries/a/b` stays a 404.
 *
 * Call before the routes are registered (before `app.listen`/`app.init`).
 */
export function answerOtherMethods(fastify: FastifyInstance): void {
  const patterns = new Map<string, RoutePattern>();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (route.url.includes('*')) return;
    const pattern = patterns.get(route.url) ?? {
      matcher: patternMatcher(route.url),
      methods: new Set<string>(),
    };
    for (const method of [route.method].flat()) {
      pattern.methods.add(method);
      if (method === 'GET') pattern.methods.add('HEAD');
    }
    patterns.set(route.url, pattern);
  });
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!request.is404) return done();
    const path = request.url.split('?', 1)[0];
    const allowed = new Set<string>();
    for (const pattern of patterns.values()) {
      if (pattern.matcher.test(path)) pattern.methods.forEach((method) => allowed.add(method));
    }
    if (allowed.size === 0) return done();
    answer(request.method, path, [...allowed].sort(), reply);
  });
}

function answer(method: string, path: string, allowed: string[], reply: FastifyReply): void {
  if (method === 'OPTIONS') {
    void reply
      .status(204)
      .header('allow', [...allowed, 'OPTIONS'].sort().join(', '))
      .send();
    return;
  }
  const allow = allowed.join(', ');
  void reply.header('allow', allow);
  sendError(reply, 405, `method ${method} not allowed on ${path} (allowed: ${allow})`);
}

/** A regular expression matching the paths of a find-my-way pattern (`/jobs/:id`). */
function patternMatcher(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}
