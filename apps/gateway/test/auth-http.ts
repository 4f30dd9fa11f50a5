import { scryptSync } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { expect } from 'vitest';

/** One HTTP answer with its headers, the body parsed as JSON when it is JSON. */
export interface AuthReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  /** `user:password` sent as Basic credentials. */
  basic?: string;
  bearer?: string;
  /** Raw header pairs, sent as given (several `Authorization` headers included). */
  headers?: string[];
  /** Local address the request comes from (127.0.0.0/8), so each test has its own failure count. */
  from?: string;
  body?: string | Buffer;
}

const parseBody = (text: string) => {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
};

/** An HTTP call over node:http, which lets a test pick the source address and send raw headers. */
export function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<AuthReply> {
  // With raw header pairs node:http adds no Host header of its own.
  const headers: string[] = ['host', new URL(base).host, ...(options.headers ?? [])];
  if (options.basic !== undefined)
    headers.push('authorization', `Basic ${Buffer.from(options.basic).toString('base64')}`);
  if (options.bearer !== undefined) headers.push('authorization', `Bearer ${options.bearer}`);
  if (options.body !== undefined) headers.push('content-type', 'application/x-www-form-urlencoded');
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${path}`,
      { method, headers, localAddress: options.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: parseBody(Buffer.concat(chunks).toString()),
          }),
        );
        res.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Sends raw request bytes (header values http.request refuses, e.g. UTF-8) and parses the answer. */
export function rawCall(base: string, head: Buffer, from?: string): Promise<AuthReply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port), localAddress: from }, () =>
      socket.write(head),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const [head, ...rest] = text.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of lines.slice(1))
        headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line
          .slice(line.indexOf(':') + 1)
          .trim();
      resolve({
        status: Number(lines[0].split(' ')[1]),
        headers,
        body: parseBody(rest.join('\r\n\r\n')),
      });
    });
  });
}

let lastAddress = 0;
/** A fresh loopback source address (127.0.<n>.<m>) for a test that wants its own failure count. */
export function freshAddress(): string {
  lastAddress += 1;
  return `127.0.${10 + Math.floor(lastAddress / 250)}.${(lastAddress % 250) + 1}`;
}

/** A password hash in the server config's format. */
export function passwordHash(password: string): string {
  const salt = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, 64).toString('hex')}`;
}

export function expect401(reply: AuthReply): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(401);
  expect(reply.body).toEqual({ status: 'ERROR', result: 'authentication required' });
  expect(reply.headers['www-authenticate']).toBe('Basic realm="jobserver"');
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
}

export function expect403(reply: AuthReply, permission: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(403);
  expect(reply.body).toEqual({ status: 'ERROR', result: `permission ${permission} required` });
}
