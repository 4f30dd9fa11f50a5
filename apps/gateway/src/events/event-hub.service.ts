import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { JobEvent, JobStreamEvent, ServerEvent } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';

/** What a job's stream hears live: a status change from the event channel, or one detail event. */
export type LiveJobEvent = { kind: 'status'; event: JobEvent } | { kind: 'detail'; event: JobStreamEvent };

type Listener<T> = (message: T) => void;

/** Running jobs whose RUNNING event the hub remembers, at most (~200 bytes each). */
export const RUNNING_REMEMBERED = 10_000;

/** How many listeners and streams this gateway holds now (the leak check of the e2e tests). */
export interface EventHubStats {
  streams: number;
  jobListeners: number;
  firehoseListeners: number;
}

/**
 * Fans the gateway's one Redis subscription (the EventBus) out to its in-process streams: per-job
 * listeners and firehose listeners. No stream opens a Redis connection or a bus listener of its own.
 */
@Injectable()
export class EventHub implements OnModuleDestroy {
  private readonly byJob = new Map<string, Set<Listener<LiveJobEvent>>>();
  private readonly firehose = new Set<Listener<ServerEvent>>();
  /** The RUNNING events of jobs not heard ending yet, oldest first (see {@link running}). */
  private readonly runningJobs = new Map<string, JobEvent>();
  private readonly unsubscribe: Array<() => void>;
  private streams = 0;

  constructor(private readonly bus: EventBus) {
    this.unsubscribe = [
      bus.onEvent((event) => this.dispatch(event)),
      bus.onDetail((message) => {
        for (const event of message.events) this.toJob(message.jobId, { kind: 'detail', event });
      }),
    ];
  }

  /** Listens to one job's live events; returns the unsubscribe. */
  onJob(jobId: string, listener: Listener<LiveJobEvent>): () => void {
    let set = this.byJob.get(jobId);
    if (!set) this.byJob.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byJob.get(jobId) === set) this.byJob.delete(jobId);
    };
  }

  /**
   * The RUNNING event heard for a job that has not ended since, if this gateway heard it. A job's
   * RUNNING answers its async POST, so it is published before the client can open the job's
   * stream, and the row holds the start only from the worker's first write (50 ms on, or the
   * first details): the stream takes it from here. The oldest are forgotten past
   * {@link RUNNING_REMEMBERED} (an end that was never heard).
   */
  running(jobId: string): JobEvent | undefined {
    return this.runningJobs.get(jobId);
  }

  /** Listens to every job and context status change; returns the unsubscribe. */
  onAny(listener: Listener<ServerEvent>): () => void {
    this.firehose.add(listener);
    // QUEUED events are published on a channel of their own, heard only while a firehose is open.
    if (this.firehose.size === 1) this.hearQueued(true);
    return () => {
      if (this.firehose.delete(listener) && this.firehose.size === 0) this.hearQueued(false);
    };
  }

  private hearQueued(on: boolean): void {
    this.bus.hearQueued(on).catch(() => undefined); // resubscribed on reconnect by ioredis; a failure only loses QUEUED events
  }

  /** Counts an open stream until the returned release is called (once). */
  trackStream(): () => void {
    this.streams++;
    let released = false;
    return () => {
      if (!released) this.streams--;
      released = true;
    };
  }

  stats(): EventHubStats {
    let jobListeners = 0;
    for (const set of this.byJob.values()) jobListeners += set.size;
    return { streams: this.streams, jobListeners, firehoseListeners: this.firehose.size };
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private dispatch(event: ServerEvent): void {
    if (event.kind === 'job') {
      this.remember(event);
      this.toJob(event.jobId, { kind: 'status', event });
    }
    for (const listener of this.firehose) listener(event);
  }

  private remember(event: JobEvent): void {
    if (event.status === 'QUEUED') return;
    this.runningJobs.delete(event.jobId);
    if (event.status !== 'RUNNING') return;
    this.runningJobs.set(event.jobId, event);
    if (this.runningJobs.size > RUNNING_REMEMBERED) this.runningJobs.delete(this.runningJobs.keys().next().value!);
  }

  private toJob(jobId: string, live: LiveJobEvent): void {
    const set = this.byJob.get(jobId);
    if (set) for (const listener of set) listener(live);
  }
}
