import type { Logger } from '@nestjs/common';
import type { EventHub, LiveJobEvent } from './event-hub.service';
import type { JobEventReader } from './job-event.reader';
import { TERMINAL_EVENT_TYPES, type JobEventOut } from './job-event-list';
import type { SseSink } from './sse-sink';

const ACTIVE: ReadonlySet<string> = new Set(['QUEUED', 'RUNNING']);

/** Detail rows per range read: a replay of a long job goes out in pages. */
const PAGE = 1000;

/**
 * One client's `GET /jobs/<id>/events` stream: every event after `after` from Postgres, then the
 * live ones from the hub, in seq order and each once, until the terminal event. Work runs one
 * task at a time (a promise chain), so a range read and the live events around it cannot
 * reorder. A live event that is not the next seq (a gap: a missed message, or a terminal event,
 * whose report is in the row) is answered by a range read from Postgres.
 */
export class JobEventStream {
  private lastSent: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobId: string,
    after: number,
    private readonly sink: SseSink,
    private readonly reader: JobEventReader,
    private readonly logger: Logger,
  ) {
    this.lastSent = after;
  }

  /** Listens before the replay reads, so that nothing published meanwhile is missed. */
  start(hub: EventHub, keepAliveMs: number): void {
    const unsubscribe = hub.onJob(this.jobId, (live) => this.enqueue(() => this.onLive(live)));
    // A missed Redis message (a subscriber reconnect) is caught up at the next tick at the latest.
    const timer = setInterval(() => {
      this.sink.comment('keep-alive');
      this.enqueue(() => this.catchUp());
    }, keepAliveMs);
    const release = hub.trackStream();
    this.sink.onClose(() => {
      unsubscribe();
      clearInterval(timer);
      release();
    });
    this.enqueue(() => this.catchUp());
    // A RUNNING published before this stream listened (it answers the async POST) that the row
    // does not show yet.
    this.enqueue(() => {
      const running = hub.running(this.jobId);
      return running && this.onLive({ kind: 'status', event: running });
    });
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.chain = this.chain
      .then(() => (this.sink.isClosed ? undefined : task()))
      .catch((err: unknown) => {
        this.logger.warn({ err, jobId: this.jobId }, 'event stream failed; closing it');
        this.sink.end();
      });
  }

  private async onLive(live: LiveJobEvent): Promise<void> {
    const seq = live.event.seq;
    // The end always gets a look: a client whose Last-Event-ID is beyond it still sees the stream close.
    const ending = live.kind === 'status' && !ACTIVE.has(live.event.status);
    if (!ending && seq !== undefined && seq <= this.lastSent) return;
    const event = selfContained(live);
    if (event && event.seq === this.lastSent + 1) return this.send(event);
    await this.catchUp();
    // RUNNING is announced before its (delayed) write: the row may not show it yet.
    if (event && event.seq > this.lastSent && !this.sink.isClosed) this.send(event);
  }

  /** Sends what Postgres holds after the last sent seq; ends the stream after the terminal event. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.reader.page(this.jobId, this.lastSent, PAGE);
      for (const event of page.events) {
        if (this.sink.isClosed) return;
        if (event.seq > this.lastSent) this.send(event);
      }
      if (page.last) this.sink.end();
      if (page.complete || this.sink.isClosed) return;
    }
  }

  private send(event: JobEventOut): void {
    this.sink.event(event.type, event, event.seq);
    this.lastSent = event.seq;
    if (TERMINAL_EVENT_TYPES.has(event.type)) this.sink.end();
  }
}

/** The live event as the stream sends it, when it carries everything (details, queued, running). */
function selfContained(live: LiveJobEvent): JobEventOut | undefined {
  if (live.kind === 'detail') return { ...live.event };
  const { seq, time, status } = live.event;
  if (seq === undefined || (status !== 'QUEUED' && status !== 'RUNNING')) return undefined;
  return { seq, time: time ?? live.event.startTime ?? new Date().toISOString(), type: status === 'QUEUED' ? 'queued' : 'running' };
}
