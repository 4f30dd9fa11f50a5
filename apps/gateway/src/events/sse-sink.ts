import type { ServerResponse } from 'node:http';

/** Headers of every Server-Sent Events answer (no proxy buffering, no caching). */
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One SSE frame: `id:` (when given), `event:`, `data:` (JSON has no raw newline: one line). */
export function sseFrame(type: string, json: string, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${json}\n\n`;
}

/**
 * The writing end of one Server-Sent Events answer on the raw Node response. A client that
 * does not read is bounded: once more than `maxBufferedBytes` wait in the socket's user-space
 * buffer, the connection is dropped (`onDrop`), so a stalled reader cannot grow the gateway.
 */
export class SseSink {
  private closed = false;
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly closeListeners: Array<() => void> = [];

  /**
   * @param flushDelayMs how long writes gather before they leave in one send: 0 = the end of the
   *   current tick (a job's stream, where the delay counts); more for the firehose, whose every
   *   client would otherwise cost a send per event of the cluster.
   */
  constructor(
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly onDrop: (bufferedBytes: number) => void,
    private readonly flushDelayMs = 0,
  ) {
    // The client went away (or we destroyed the socket): every listener and timer goes with it.
    response.once('close', () => this.markClosed());
  }

  /** Whether the stream is over (ended, dropped, or the client left). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends the status and headers at once, so that the client knows the stream is open. */
  open(): void {
    this.response.writeHead(200, SSE_HEADERS);
    this.response.flushHeaders();
  }

  /** One event: `id:` (when given), `event:`, `data:` (JSON has no raw newline, so one line). */
  event(type: string, data: unknown, id?: number): void {
    this.write(sseFrame(type, JSON.stringify(data), id));
  }

  /** A frame built by {@link sseFrame} (one text shared by many streams). */
  frame(text: string): void {
    this.write(text);
  }

  /** A comment line (`: text`), ignored by clients: keeps idle connections and proxies open. */
  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** Ends the answer once what was written is sent. */
  end(): void {
    if (this.closed) return;
    this.flush();
    this.response.end();
    this.markClosed();
  }

  /** Called once when the stream is over, whatever ended it. */
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  private write(text: string): void {
    if (this.closed) return;
    // Frames that come together (a detail batch, a burst on the firehose) leave in one write: an
    // HTTP write per frame costs a chunk header and a send each.
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pending.length === 1) {
      if (this.flushDelayMs > 0) this.flushTimer = setTimeout(() => this.flush(), this.flushDelayMs);
      else process.nextTick(() => this.flush());
    }
    const buffered = this.response.writableLength + this.pendingBytes;
    if (buffered > this.maxBufferedBytes) {
      this.onDrop(buffered);
      this.response.destroy();
      this.markClosed();
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.closed || this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    this.response.write(text);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    this.pending = [];
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
