import type { Logger } from '@nestjs/common';
import type { ContextEvent, JobEvent, ServerEvent } from '@jobserver/protocol';
import type { EventHub } from './event-hub.service';
import type { EventFacts } from './event-facts.service';
import { sseFrame, type SseSink } from './sse-sink';

/** Which events a firehose client gets: `?context=`, `?appName=`, and the owner it is isolated to. */
export interface FirehoseFilter {
  context?: string;
  appName?: string;
  /** `auth.isolate-owners`: only this principal's jobs and contexts; undefined = everything. */
  owner?: string;
}

/**
 * One client's `GET /events` stream: live job and context state changes of the whole cluster,
 * filtered. Events go out in the order they arrived: those needing a lookup (an owner, a job's
 * app) wait in one promise chain, and later events queue behind them.
 */
export class FirehoseStream {
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly filter: FirehoseFilter,
    private readonly sink: SseSink,
    private readonly facts: EventFacts,
    private readonly logger: Logger,
  ) {}

  start(hub: EventHub, keepAliveMs: number): void {
    const unsubscribe = hub.onAny((event) => this.onEvent(event));
    const timer = setInterval(() => this.sink.comment('keep-alive'), keepAliveMs);
    const release = hub.trackStream();
    this.sink.onClose(() => {
      unsubscribe();
      clearInterval(timer);
      release();
    });
  }

  private onEvent(event: ServerEvent): void {
    // The channel also carries console events (statements, completions): not the firehose's.
    if (event.kind !== 'job' && event.kind !== 'context') return;
    if (event.kind === 'context' && this.filter.context !== undefined && event.context !== this.filter.context) return;
    if (event.kind === 'job' && this.filter.context !== undefined && event.context !== this.filter.context) return;
    const quick = this.waiting === 0 ? this.withoutLookup(event) : undefined;
    if (quick !== undefined) {
      if (quick) this.sink.frame(quick.frame);
      return;
    }
    this.waiting++;
    this.chain = this.chain
      .then(async () => {
        const out = await this.withLookup(event);
        if (out) this.sink.frame(out.frame);
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'firehose lookup failed; event skipped'))
      .finally(() => this.waiting--);
  }

  /** The event to send (or null: filtered out) when no lookup is needed; undefined when one is. */
  private withoutLookup(event: JobEvent | ContextEvent): Outgoing | null | undefined {
    if (this.filter.owner !== undefined) return undefined;
    if (event.kind === 'context') return this.filter.appName === undefined ? contextOut(event) : null;
    const app = this.appOf(event);
    if (!app) return undefined;
    return this.filter.appName === undefined || app.appName === this.filter.appName ? jobOut(event, app.appName, app.classPath) : null;
  }

  private async withLookup(event: JobEvent | ContextEvent): Promise<Outgoing | null> {
    if (event.kind === 'context') {
      if (this.filter.appName !== undefined) return null;
      const owner = this.filter.owner === undefined ? undefined : await this.facts.contextOwner(event.contextId);
      return owner === undefined || owner === this.filter.owner ? contextOut(event) : null;
    }
    const known = this.appOf(event);
    // The row is read only for what the event and the memory lack: an owner, or an unseen job's app.
    const row = this.filter.owner !== undefined || !known ? await this.facts.job(event.jobId) : undefined;
    if (this.filter.owner !== undefined && row?.owner !== this.filter.owner) return null;
    const appName = known?.appName ?? row?.appName ?? null;
    if (this.filter.appName !== undefined && appName !== this.filter.appName) return null;
    return jobOut(event, appName, known?.classPath ?? row?.classPath ?? null);
  }

  /** The job's app and class path from the event, else from an earlier event of the job. */
  private appOf(event: JobEvent): { appName: string; classPath: string } | undefined {
    const { appName, classPath } = event;
    return appName !== undefined && classPath !== undefined ? { appName, classPath } : this.facts.knownApp(event.jobId);
  }
}

interface Outgoing {
  /** The whole SSE frame (`event:` and `data:` lines). */
  frame: string;
}

/**
 * Each event's frame, built once for every firehose stream that sends it (the app and class
 * path a lookup finds are the same for all of them).
 */
const frames = new WeakMap<ServerEvent, string>();

function once(event: ServerEvent, type: 'job' | 'context', data: () => Record<string, unknown>): Outgoing {
  let frame = frames.get(event);
  if (frame === undefined) frames.set(event, (frame = sseFrame(type, JSON.stringify(data()))));
  return { frame };
}

function jobOut(event: JobEvent, appName: string | null, classPath: string | null): Outgoing {
  return once(event, 'job', () => ({ jobId: event.jobId, status: event.status, context: event.context, appName, classPath }));
}

function contextOut(event: ContextEvent): Outgoing {
  return once(event, 'context', () => ({ name: event.context, state: event.state }));
}
