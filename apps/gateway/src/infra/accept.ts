/** The q value an Accept header gives a media type when named exactly or by its `type/*` (0 when absent). */
function quality(accept: string, type: string): number {
  let best = 0;
  const family = `${type.split('/')[0]}/*`;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    if (range.trim() !== type && range.trim() !== family) continue;
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
