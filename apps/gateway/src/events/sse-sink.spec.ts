import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseSink } from './sse-sink';

/** A real HTTP server whose one route hands its response to `use`. */
async function serve(use: (response: http.ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => use(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('SseSink', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('writes events and comments in the SSE format, then ends once', async () => {
    const closed: string[] = [];
    const server = await serve((response) => {
      const sink = new SseSink(response, 1024 * 1024, () => closed.push('dropped'));
      sink.onClose(() => closed.push('closed'));
      sink.open();
      sink.event('progress', { seq: 3, message: 'two\nlines' }, 3);
      sink.comment('keep-alive');
      sink.event('job', { a: 1 });
      sink.end();
      sink.end();
      sink.event('late', {});
    });
    close = server.close;
    const response = await fetch(server.url);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe(
      'id: 3\nevent: progress\ndata: {"seq":3,"message":"two\\nlines"}\n\n: keep-alive\n\nevent: job\ndata: {"a":1}\n\n',
    );
    expect(closed).toEqual(['closed']);
  });

  it('gathers the writes of several ticks into one send with a flush delay, and clears it on close', async () => {
    let sink: SseSink | undefined;
    const server = await serve((response) => {
      sink = new SseSink(response, 1024 * 1024, () => undefined, 50);
      sink.open();
    });
    close = server.close;
    // A raw socket: an HTTP client would hand over each chunk of the chunked body on its own.
    const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
    const reads: string[] = [];
    socket.on('data', (data: Buffer) => reads.push(data.toString()));
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    while (!sink || reads.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const n of [1, 2, 3]) {
      sink.event('job', { n });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    const body = reads.slice(1);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatch(/data: \{"n":1\}[\s\S]*data: \{"n":2\}[\s\S]*data: \{"n":3\}/);
    sink.event('job', { n: 4 });
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.isClosed).toBe(true);
  });

  it('drops a client that does not read once its buffered output passes the limit', async () => {
    let sink: SseSink | undefined;
    const drops: number[] = [];
    const closedOnce: string[] = [];
    const server = await serve((response) => {
      sink = new SseSink(response, 64 * 1024, (buffered) => drops.push(buffered));
      sink.onClose(() => closedOnce.push('closed'));
      sink.open();
    });
    close = server.close;
    const request = http.get(server.url, { agent: false });
    const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
    response.pause(); // a client that never reads: the kernel buffers fill, then Node's
    const line = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 10_000 && !sink!.isClosed; i++) {
      sink!.event('log', { line });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sink!.isClosed).toBe(true);
    expect(drops).toHaveLength(1);
    expect(drops[0]).toBeGreaterThan(64 * 1024);
    expect(closedOnce).toEqual(['closed']);
    request.destroy();
  });
});
