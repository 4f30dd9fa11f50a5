/** One Server-Sent Event: its `id:`, `event:` (default `message`) and `data:` lines joined. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * Reads Server-Sent Events from a byte stream, as the HTML spec says: lines end with CRLF, LF or
 * CR; `:` lines are comments; a blank line dispatches; an event without `data` is dropped.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: { id?: string; event?: string; data: string[] } = { data: [] };
  const lines = function* (final: boolean) {
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      // A lone CR at the end may be the first half of a CRLF: wait for the next chunk.
      if (end < 0 || (!final && end === buffer.length - 1 && buffer[end] === '\r')) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
      yield line;
    }
  };
  const take = (line: string): SseMessage | undefined => {
    if (line === '') {
      const done = event;
      event = { data: [] };
      if (done.data.length === 0) return undefined;
      return { id: done.id, event: done.event || 'message', data: done.data.join('\n') };
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') event.data.push(value);
    else if (field === 'event') event.event = value;
    else if (field === 'id' && !value.includes('\0')) event.id = value;
    return undefined;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) {
      const message = take(line);
      if (message) yield message;
    }
  }
  buffer += decoder.decode();
  for (const line of lines(true)) {
    const message = take(line);
    if (message) yield message;
  }
}
