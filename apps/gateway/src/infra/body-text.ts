/** The request body as text (bodies arrive as bytes, whatever the Content-Type). */
export function bodyText(body: unknown): string {
  return Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
}
