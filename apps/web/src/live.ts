import { useEffect, useRef } from 'preact/hooks';

/**
 * Subscribes to a Server-Sent Events URL and calls `onEvent` (at most every `throttleMs`) for the
 * named events; EventSource reconnects by itself with the last id. A `closeOn` event (a job's
 * terminal one: its stream ends there) closes the source, so that it does not reconnect forever.
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
    const source = new EventSource(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        latest.current();
      }, throttleMs);
    };
    for (const type of types) source.addEventListener(type, fire);
    for (const type of closeOn) source.addEventListener(type, () => source.close());
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [url, types.join(','), closeOn.join(',')]);
}
