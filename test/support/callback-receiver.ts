import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got: its path, headers and the exact body bytes. */
export interface ReceivedCallback {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** How a receiver answers a request to a path: a status (a 302 names /redirected), or `hang` (never answers). */
export type ReceiverAnswer = number | 'hang';

/**
 * A real local HTTP receiver for completion callbacks: it records every request and answers each
 * path as `answers` says (200 by default). Hanging requests are counted when their client gives
 * up (closes the connection).
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** How each path answers; change it while a test runs. */
  readonly answers = new Map<string, ReceiverAnswer>();
  /** Requests left hanging whose client closed the connection. */
  abandoned = 0;
  private server: http.Server | undefined;

  /** @param port - listen on this port (0: any free one) */
  constructor(private port = 0) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The requests to one path. */
  to(path: string): ReceivedCallback[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = undefined;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      const answer = this.answers.get(path) ?? 200;
      if (answer === 'hang') {
        res.on('close', () => this.abandoned++);
        return;
      }
      res
        .writeHead(
          answer,
          answer >= 300 && answer < 400 ? { location: `${this.url}/redirected` } : {},
        )
        .end('answer body');
    });
  }
}
