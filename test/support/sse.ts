import http from 'node:http';

/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A plain Server-Sent Events client on `http.get` (no library: the tests see the bytes the
 * gateway sends). Parses `id:`, `event:`, `data:` and comment lines as the SSE spec says.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  /** Comment lines received (`: keep-alive`). */
  comments = 0;
  /** The body, for answers that are not streams (a 404 in JSON). */
  text = '';
  /** Resolves once the server ended the answer (or the connection closed). */
  readonly ended: Promise<void>;
  private buffer = '';
  private readonly waiters = new Set<() => void>();
  private endedFlag = false;

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly response: http.IncomingMessage,
    private readonly request: http.ClientRequest,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.onData(chunk));
    this.ended = new Promise((resolve) => {
      const done = () => {
        this.endedFlag = true;
        this.wake();
        resolve();
      };
      response.once('end', done);
      response.once('close', done);
      response.once('error', done);
    });
  }

  /** Opens `url` (GET, or `method`) with `Accept: text/event-stream` unless `headers` says otherwise; resolves on the answer's head. */
  static open(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.request(url, { method, headers: { accept: 'text/event-stream', ...headers }, agent: false }, (response) =>
        resolve(new SseClient(response.statusCode ?? 0, response.headers, response, request)),
      );
      request.once('error', reject);
      request.end();
    });
  }

  get isEnded(): boolean {
    return this.endedFlag;
  }

  /** The events' data parsed as JSON. */
  json(): Array<Record<string, unknown>> {
    return this.events.map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  /** Resolves once `check` holds (checked on every chunk); rejects after `timeoutMs` or when the answer ended without it. */
  until(check: (client: SseClient) => boolean, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`SSE condition not met within ${timeoutMs} ms (${this.events.length} events)`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(test);
        if (error) reject(error);
        else resolve();
      };
      const test = () => {
        if (check(this)) finish();
        else if (this.endedFlag) finish(new Error(`SSE answer ended before the condition held (${this.events.length} events)`));
      };
      this.waiters.add(test);
      test();
    });
  }

  /** Drops the connection (as a client that goes away). */
  close(): void {
    this.request.destroy();
    this.response.destroy();
  }

  private onData(chunk: string): void {
    if (this.status !== 200) {
      this.text += chunk;
      return;
    }
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      this.parseBlock(block);
    }
    this.wake();
  }

  private parseBlock(block: string): void {
    const event: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) this.events.push({ ...event, data: data.join('\n') });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
