import { describe, expect, it } from 'vitest';
import { parseSse, type SseMessage } from './sse.parser';

async function parse(chunks: string[]): Promise<SseMessage[]> {
  const encoder = new TextEncoder();
  async function* source() {
    for (const chunk of chunks) yield encoder.encode(chunk);
  }
  const messages: SseMessage[] = [];
  for await (const message of parseSse(source())) messages.push(message);
  return messages;
}

describe('parseSse', () => {
  it('reads id, event and data, and skips comment lines', async () => {
    expect(await parse([': keep-alive\n\nid: 1\nevent: queued\ndata: {"seq":1}\n\n'])).toEqual([
      { id: '1', event: 'queued', data: '{"seq":1}' },
    ]);
  });

  it('joins data lines, defaults the event to message, and drops events without data', async () => {
    expect(await parse(['data: a\ndata: b\n\nevent: x\n\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('reads events split anywhere across chunks, with CRLF, LF or CR line ends', async () => {
    const text = 'id: 7\r\nevent: log\r\ndata: {"message":"ü"}\r\n\r\nid: 8\revent: stage\rdata: x\r\rid: 9\nevent: finished\ndata: y\n\n';
    const bytes = new TextEncoder().encode(text);
    async function* byteChunks(size: number) {
      for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
    }
    // Split the bytes, not the characters: a multi-byte character may be cut between chunks.
    for (const size of [1, 2, 3, 7]) {
      const messages: SseMessage[] = [];
      for await (const message of parseSse(byteChunks(size))) messages.push(message);
      expect(messages).toEqual([
        { id: '7', event: 'log', data: '{"message":"ü"}' },
        { id: '8', event: 'stage', data: 'x' },
        { id: '9', event: 'finished', data: 'y' },
      ]);
    }
  });

  it('drops an event the stream ended before its blank line', async () => {
    expect(await parse(['id: 1\ndata: a\n\nid: 2\ndata: b'])).toEqual([{ id: '1', event: 'message', data: 'a' }]);
  });
});
