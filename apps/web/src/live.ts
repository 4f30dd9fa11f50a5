import { useEffect, useRef } from 'preact/hooks';
import { authHeaders } from './api';
import { signOut } from './session';
import { readEvents } from './sse';

const RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

/**
 * Subscribes to a Server-Sent Events URL and calls `onEvent` (at most every `throttleMs`) for the
 * named events. It reads the stream with fetch rather than EventSource, which cannot send the
 * `Authorization` header that the gateway asks for when auth is on. Like EventSource it
 * reconnects (with a growing delay) and sends `Last-Event-ID`, so a job stream misses nothing. A
 * `closeOn` event (a job's terminal one: its stream ends there) stops it for good; a 401 signs
 * the tab out, and any other refusal (403, 404) stops it.
 */
export function useEvents(
  url: string | null,
  types: string[],
  onEvent: () => void,
  closeOn: string[] = [],
  throttleMs = 300,
): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    if (!url) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        latest.current();
      }, throttleMs);
    };
    void follow(url, abort.signal, (type) => {
      if (types.includes(type)) fire();
      if (closeOn.includes(type)) abort.abort();
    });
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [url, types.join(','), closeOn.join(',')]);
}

/** Reads `url` as an event stream until `signal` aborts, reconnecting after an end or a network error. */
async function follow(url: string, signal: AbortSignal, onType: (type: string) => void) {
  let lastId: string | undefined;
  let delay = RETRY_MS;
  while (!signal.aborted) {
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...authHeaders() };
      if (lastId !== undefined) headers['Last-Event-ID'] = lastId;
      const res = await fetch(url, { headers, signal, credentials: 'omit', cache: 'no-store' });
      if (res.status === 401) return signOut('401 ERROR: authentication required');
      if (!res.ok || !res.body) return;
      delay = RETRY_MS;
      await readEvents(res.body, (event) => {
        if (event.id !== undefined) lastId = event.id;
        onType(event.type);
      });
    } catch {
      if (signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}
