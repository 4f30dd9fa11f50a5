/** Which ranges of an Accept header name a type: itself only, also its `type/*`, or also `*\/*`. */
type Ranges = 'exact' | 'family' | 'any';

/** The q value an Accept header gives a media type through the `ranges` that name it; 0 when absent. */
function quality(accept: string, type: string, ranges: Ranges = 'family'): number {
  let best = 0;
  const family = `${type.split('/')[0]}/*`;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const name = range!.trim();
    const names = name === type || (ranges !== 'exact' && name === family) || (ranges === 'any' && name === '*/*');
    if (!names) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    if (Number.isFinite(value)) best = Math.max(best, value);
  }
  return best;
}

/**
 * Whether a request's Accept asks for HTML rather than JSON: `text/html` (or `text/*`) named with a
 * q above 0 and not below `application/json`'s. A bare `*\/*` (curl) or no header is not: those
 * clients keep the JSON answer.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = quality(accept, 'text/html');
  return html > 0 && html >= quality(accept, 'application/json');
}

const EVENT_STREAM = 'text/event-stream';

/**
 * Whether an Accept header asks for Server-Sent Events rather than JSON (`GET /jobs/<id>/events`):
 * `text/event-stream` named with a q above 0 and not below `application/json`'s.
 */
export function asksForStream(accept: string | undefined): boolean {
  if (!accept) return false;
  const named = quality(accept, EVENT_STREAM, 'exact');
  return named > 0 && named >= quality(accept, 'application/json');
}

/** Whether an Accept header admits Server-Sent Events (`GET /events`): absent, or `text/event-stream`, `text/*` or `*\/*` with a q above 0. */
export function admitsStream(accept: string | undefined): boolean {
  return accept === undefined || accept.trim() === '' || quality(accept, EVENT_STREAM, 'any') > 0;
}
