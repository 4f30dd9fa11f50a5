import { connect } from 'node:net';

/** One HTTP answer read off a raw socket. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  /** The body parsed as JSON, or the text when it is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * Sends `request` (the bytes of a whole HTTP/1.1 request, as written) over a fresh TCP socket
 * and reads one answer until the server ends the connection: for requests that `fetch` cannot
 * or will not send (oversized headers, chunked bodies, malformed lines, raw percent-escapes).
 */
export function rawRequest(base: string, request: string | Buffer): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) =>
      chunks.length > 0 ? resolve(parseReply(Buffer.concat(chunks))) : reject(error),
    );
    socket.on('end', () => resolve(parseReply(Buffer.concat(chunks))));
    socket.write(request);
  });
}

/** A request head (`Connection: close` so that the answer ends with the socket) plus `body`. */
export function requestText(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A chunked request body of `parts`, in HTTP/1.1's chunk framing. */
export function chunked(parts: string[]): string {
  return (
    parts.map((part) => `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`).join('') +
    '0\r\n\r\n'
  );
}

function parseReply(bytes: Buffer): RawReply {
  const text = bytes.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no HTTP answer, got: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...headerLines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rawBody = text.slice(headEnd + 4);
  if (headers['transfer-encoding'] === 'chunked') rawBody = unchunk(rawBody);
  let body: unknown = rawBody;
  try {
    body = rawBody === '' ? undefined : JSON.parse(rawBody);
  } catch {
    // not JSON: keep the text, the test says what it expected
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
