import { describe, expect, it } from 'vitest';
import { readEvents, type SseEvent } from './sse';

/** A body that delivers `chunks` one by one, as the network may split them. */
const body = (chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function eventsOf(chunks: string[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  await readEvents(body(chunks), (event) => events.push(event));
  return events;
}

describe('readEvents', () => {
  it('reads typed events with ids and data, across chunk boundaries', async () => {
    const events = await eventsOf([
      'id: 1\nevent: queued\ndata: {"seq":1}\n\n',
      'id: 2\nevent: prog',
      'ress\ndata: {"seq":2}\n',
      '\n',
    ]);
    expect(events).toEqual([
      { type: 'queued', id: '1', data: '{"seq":1}' },
      { type: 'progress', id: '2', data: '{"seq":2}' },
    ]);
  });

  it('skips comments (keep-alives), joins data lines, accepts CRLF and defaults the type to message', async () => {
    const events = await eventsOf([
      ': keep-alive\n\n',
      'data: a\r\ndata:b\r\n\r\n',
      'event: job\ndata: {}\n\n',
    ]);
    expect(events).toEqual([
      { type: 'message', id: undefined, data: 'a\nb' },
      { type: 'job', id: undefined, data: '{}' },
    ]);
  });

  it('keeps the last id for later events and drops an event left unfinished at the end', async () => {
    const events = await eventsOf([
      'id: 7\nevent: log\ndata: x\n\nevent: log\ndata: y\n\nevent: log\ndata: cut',
    ]);
    expect(events.map((e) => [e.id, e.data])).toEqual([
      ['7', 'x'],
      ['7', 'y'],
    ]);
  });
});
