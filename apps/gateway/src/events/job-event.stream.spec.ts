import { Logger } from '@nestjs/common';
import type { JobDetailMessage, JobEvent, ServerEvent } from '@jobserver/protocol';
import type { EventBus } from '@jobserver/protocol/redis';
import { describe, expect, it } from 'vitest';
import { EventHub } from './event-hub.service';
import type { EventPage, JobEventReader } from './job-event.reader';
import type { JobEventOut } from './job-event-list';
import { JobEventStream } from './job-event.stream';
import type { SseSink } from './sse-sink';

const JOB = 'job-1';
const time = '2026-12-02T05:00:00.000Z';
/** A progress event, typed as both what the bus carries and what the stream sends. */
type Detail = { seq: number; time: string; type: 'progress'; fraction: number };
const detail = (seq: number): Detail => ({ seq, time, type: 'progress', fraction: seq / 100 });

/** The bus's in-process side only: what the hub subscribes to (the Redis side is the e2e tests'). */
class InProcessBus {
  events?: (event: ServerEvent) => void;
  details?: (message: JobDetailMessage) => void;
  onEvent(listener: (event: ServerEvent) => void) {
    this.events = listener;
    return () => undefined;
  }
  onDetail(listener: (message: JobDetailMessage) => void) {
    this.details = listener;
    return () => undefined;
  }
}

/** What Postgres holds for the job: its events, and whether it ended. */
class StoredEvents {
  events: JobEventOut[] = [
    { seq: 1, time, type: 'queued' },
    { seq: 2, time, type: 'running' },
  ];
  ended = false;
  reads: number[] = [];
  page = async (_job: string, after: number, limit: number): Promise<EventPage> => {
    this.reads.push(after);
    const events = this.events.filter((e) => e.seq > after).slice(0, limit);
    const complete = events.length < limit || events.at(-1) === this.events.at(-1);
    return { events, complete, last: complete && this.ended };
  };
  end(seq: number): void {
    this.events.push({ seq, time, type: 'finished', status: 'OK' });
    this.ended = true;
  }
}

/** A sink that records what the stream sent. */
class RecordingSink {
  sent: number[] = [];
  comments = 0;
  isClosed = false;
  private listeners: Array<() => void> = [];
  event(_type: string, _data: unknown, id?: number) {
    this.sent.push(id!);
  }
  comment() {
    this.comments++;
  }
  end() {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const listener of this.listeners) listener();
  }
  onClose(listener: () => void) {
    this.listeners.push(listener);
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

function setUp(after = 0) {
  const bus = new InProcessBus();
  const hub = new EventHub(bus as unknown as EventBus);
  const store = new StoredEvents();
  const sink = new RecordingSink();
  const stream = new JobEventStream(JOB, after, sink as unknown as SseSink, { page: store.page } as unknown as JobEventReader, new Logger('test'));
  const status = (event: Partial<JobEvent>) => bus.events!({ kind: 'job', jobId: JOB, context: 'c', status: 'RUNNING', ...event });
  const details = (...events: Detail[]) => {
    store.events.push(...events);
    bus.details!({ jobId: JOB, events });
  };
  return { hub, store, sink, stream, status, details, start: () => stream.start(hub, 60_000) };
}

describe('JobEventStream', () => {
  it('replays, then sends live events in seq order once each, and closes after the end', async () => {
    const { hub, store, sink, status, details, start } = setUp();
    store.events.push({ ...detail(3), fraction: 0.03 });
    start();
    details(detail(3)); // published while the replay read: already sent by it
    await settle();
    details(detail(4), detail(5));
    details(detail(5));
    await settle();
    expect(sink.sent).toEqual([1, 2, 3, 4, 5]);
    expect(store.reads).toEqual([0]);
    expect(hub.stats()).toEqual({ streams: 1, jobListeners: 1, firehoseListeners: 0 });
    store.end(6);
    status({ status: 'FINISHED', seq: 6 });
    await settle();
    expect(sink.sent).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sink.isClosed).toBe(true);
    expect(hub.stats()).toEqual({ streams: 0, jobListeners: 0, firehoseListeners: 0 });
  });

  it('reads a gap from Postgres when a live event skips seqs', async () => {
    const { store, sink, details, start } = setUp(2);
    start();
    await settle();
    // seq 3 and 4 were published while this gateway's subscriber was reconnecting: only 5 arrives.
    store.events.push(detail(3), detail(4));
    details(detail(5));
    await settle();
    expect(sink.sent).toEqual([3, 4, 5]);
    expect(store.reads).toEqual([2, 2]);
  });

  it('sends a RUNNING announced before its write, and nothing twice once the row shows it', async () => {
    const { store, sink, status, details, start } = setUp();
    store.events.splice(1); // the row says QUEUED: the worker writes RUNNING 50 ms after the start
    start();
    await settle();
    status({ status: 'RUNNING', seq: 2, time });
    await settle();
    store.events.splice(1, 0, { seq: 2, time, type: 'running' });
    details(detail(3));
    await settle();
    expect(sink.sent).toEqual([1, 2, 3]);
  });

  it('sends a RUNNING published before the stream opened (the async answer) while the row does not show it yet', async () => {
    const { store, sink, status, start } = setUp();
    store.events.splice(1); // the row says QUEUED: the worker writes RUNNING 50 ms after the start
    status({ status: 'RUNNING', seq: 2, time }); // heard by the hub, before this stream listened
    start();
    await settle();
    expect(sink.sent).toEqual([1, 2]);
    expect(sink.isClosed).toBe(false);
  });

  it('forgets a RUNNING once its job ended', async () => {
    const { hub, status } = setUp();
    status({ status: 'RUNNING', seq: 2, time });
    expect(hub.running(JOB)).toMatchObject({ status: 'RUNNING', seq: 2 });
    status({ status: 'FINISHED', seq: 3 });
    expect(hub.running(JOB)).toBeUndefined();
  });

  it('sends nothing to a client from the future, and still closes when the job ends', async () => {
    const { store, sink, status, details, start } = setUp(1000);
    start();
    details(detail(3));
    await settle();
    expect(sink.sent).toEqual([]);
    expect(sink.isClosed).toBe(false);
    store.end(4);
    status({ status: 'FINISHED', seq: 4 });
    await settle();
    expect(sink.sent).toEqual([]);
    expect(sink.isClosed).toBe(true);
  });

  it('replays a long history in pages and closes at once when the job already ended', async () => {
    const { store, sink, start } = setUp();
    for (let seq = 3; seq <= 2502; seq++) store.events.push(detail(seq));
    store.end(2503);
    start();
    await settle();
    expect(sink.sent).toEqual(Array.from({ length: 2503 }, (_, i) => i + 1));
    expect(store.reads).toEqual([0, 1000, 2000]);
    expect(sink.isClosed).toBe(true);
  });
});
