import type Redis from 'ioredis';
import type { JobDetailMessage } from './job-events';
import { ENDED_CLAIM_TTL_S } from './job-claims';
import type { CounterIncrement } from './metric-counters';
import type { AuthNotice, ServerEvent, WorkerControl } from './messages';
import type { RedisNames } from './names';
import { duplicateRedis } from './redis-client';
import { parseAuthNotice, parseJobDetailMessage, parseServerEvent, parseWorkerControl } from './parse';

type Listener<T> = (message: T) => void;

/** What {@link EventBus.publish} sends with its events, in the same Redis call. */
export interface PublishExtras {
  /** The metric counters the facts the events tell add to (docs/metrics.md). */
  counts?: readonly CounterIncrement[];
  /** Jobs whose claims are shortened to ENDED_CLAIM_TTL_S (their ends are recorded). */
  settleClaimsOf?: readonly string[];
}

const PUBLISH_COMMAND = 'jobserverPublish';
/**
 * KEYS[1]: the metrics hash; KEYS[2…]: job claims whose TTL becomes the ARGV after the messages.
 * ARGV: channel, number of messages n, the n messages, [claim TTL], then field/by pairs added to
 * the hash. Returns how many subscribers heard the last message (0 without messages).
 */
const PUBLISH_SCRIPT = `
local n = tonumber(ARGV[2])
local heard = 0
for i = 3, 2 + n do heard = redis.call('PUBLISH', ARGV[1], ARGV[i]) end
local at = 3 + n
if #KEYS > 1 then
  for k = 2, #KEYS do redis.call('EXPIRE', KEYS[k], ARGV[at]) end
  at = at + 1
end
for i = at, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return heard
`;

/** The publisher with PUBLISH_SCRIPT defined (ioredis sends it by EVALSHA, loading it when Redis lacks it). */
type ScriptedRedis = Redis & Record<typeof PUBLISH_COMMAND, (numberOfKeys: number, ...args: Array<string | number>) => Promise<number>>;

/** The channels a process listens on: job and context events, worker control, auth notices, job details. */
export interface BusChannels {
  events?: boolean;
  control?: boolean;
  auth?: boolean;
  /** Jobs' progress, stage and log batches (gateways serving streams). */
  details?: boolean;
}

/**
 * Pub/sub of server events, job details, worker control messages and auth notices. One subscriber connection per
 * process, whatever the number of waiters; malformed messages go to `onProtocolError`.
 */
export class EventBus {
  private readonly eventListeners = new Set<Listener<ServerEvent>>();
  private readonly controlListeners = new Set<Listener<WorkerControl>>();
  private readonly authListeners = new Set<Listener<AuthNotice>>();
  private readonly detailListeners = new Set<Listener<JobDetailMessage>>();
  private readonly resubscribedListeners = new Set<() => void>();
  private subscriber: Redis | undefined;
  private channelNames: string[] = [];
  private subscribed = false;
  private connections = 0;
  private queuedHearers = 0;

  constructor(
    private readonly publisher: Redis,
    private readonly names: RedisNames,
    private readonly onProtocolError: (error: Error) => void,
  ) {
    if (!(PUBLISH_COMMAND in publisher)) publisher.defineCommand(PUBLISH_COMMAND, { lua: PUBLISH_SCRIPT });
  }

  /** Whether the subscriber connection is up and subscribed now (in-memory flags, no round trip). */
  get ready(): boolean {
    return this.subscriber?.status === 'ready' && this.subscribed;
  }

  /**
   * Called each time the subscriber is subscribed again after its connection was lost (a Redis
   * restart or a Sentinel failover): events published meanwhile were not heard, and a listener
   * that waits for some reads them back from Postgres.
   */
  onResubscribed(listener: () => void): () => void {
    this.resubscribedListeners.add(listener);
    return () => this.resubscribedListeners.delete(listener);
  }

  /**
   * Publishes an event, with what goes with it in the same Redis call (see {@link PublishExtras}).
   * A QUEUED job event goes on the queued channel (see RedisNames.queuedChannel), the others on
   * the event channel. Resolves with the number of subscribers that heard the event.
   */
  publish(event: ServerEvent, extras: PublishExtras = {}): Promise<number> {
    const { counts = [], settleClaimsOf = [] } = extras;
    if (counts.length === 0 && settleClaimsOf.length === 0) return this.publisher.publish(this.channelOf(event), JSON.stringify(event));
    return this.publishMany([event], extras);
  }

  /**
   * Publishes events in order, with what goes with them, in one Redis call (a script, see
   * PUBLISH_SCRIPT): one round trip and one socket write, where a pipeline of the same commands
   * costs several times the CPU in ioredis. The events share a channel: QUEUED ones or others.
   * Resolves with the number of subscribers that heard the last one.
   */
  publishMany(events: readonly ServerEvent[], extras: PublishExtras = {}): Promise<number> {
    const channel = this.channelOf(events[0]!);
    if (events.some((event) => this.channelOf(event) !== channel)) throw new Error('publishMany: QUEUED and other events mixed');
    return this.runPublish(channel, events.map((event) => JSON.stringify(event)), extras);
  }

  /** Adds to metric counters of the cluster (RedisNames.metricsKey) without an event. */
  async count(counts: readonly CounterIncrement[]): Promise<void> {
    if (counts.length) await this.runPublish(this.names.eventChannel, [], { counts });
  }

  private runPublish(channel: string, messages: readonly string[], { counts = [], settleClaimsOf = [] }: PublishExtras): Promise<number> {
    const keys = [this.names.metricsKey, ...settleClaimsOf.map((jobId) => this.names.jobClaimKey(jobId))];
    const args: Array<string | number> = [channel, messages.length, ...messages];
    if (settleClaimsOf.length) args.push(ENDED_CLAIM_TTL_S);
    for (const [field, by] of counts) args.push(field, by);
    return (this.publisher as ScriptedRedis)[PUBLISH_COMMAND](keys.length, ...keys, ...args);
  }

  private channelOf(event: ServerEvent): string {
    const queued = event.kind === 'job' && event.status === 'QUEUED';
    return queued ? this.names.queuedChannel : this.names.eventChannel;
  }

  /**
   * Starts (true) or stops hearing QUEUED job events, which then reach the `onEvent` listeners
   * like the others. Reference-counted: each `true` needs its `false`.
   */
  async hearQueued(on: boolean): Promise<void> {
    if (!this.subscriber) return;
    this.queuedHearers += on ? 1 : -1;
    if (on && this.queuedHearers === 1) await this.subscriber.subscribe(this.names.queuedChannel);
    if (!on && this.queuedHearers === 0) await this.subscriber.unsubscribe(this.names.queuedChannel);
  }

  /**
   * Releases the claims of jobs that are to run again on another worker (a retry after their
   * worker died, JobClaims): the next worker to take one runs it.
   */
  async releaseClaims(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length) await this.publisher.del(...jobIds.map((jobId) => this.names.jobClaimKey(jobId)));
  }

  /** Publishes one persisted batch of a job's detail events (after its write). */
  publishDetail(message: JobDetailMessage): Promise<number> {
    return this.publisher.publish(this.names.jobDetailChannel, JSON.stringify(message));
  }

  sendControl(message: WorkerControl): Promise<number> {
    return this.publisher.publish(this.names.workerControlChannel, JSON.stringify(message));
  }

  /** Tells every gateway about a revoked API key or a blocked address. */
  publishAuth(notice: AuthNotice): Promise<number> {
    return this.publisher.publish(this.names.authChannel, JSON.stringify(notice));
  }

  /** Subscribes this process to the channels it listens on; resolves once subscribed. */
  async listen(subscriber: Redis, channels: BusChannels): Promise<void> {
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    this.channelNames = [
      ...(channels.events ? [this.names.eventChannel] : []),
      ...(channels.control ? [this.names.workerControlChannel] : []),
      ...(channels.auth ? [this.names.authChannel] : []),
      ...(channels.details ? [this.names.jobDetailChannel] : []),
    ];
    subscriber.on('close', () => (this.subscribed = false));
    subscriber.on('ready', () => void this.resubscribe());
    // Its errors are the publisher's too, which its owner logs.
    subscriber.on('error', () => undefined);
    try {
      if (this.channelNames.length) await subscriber.subscribe(...this.channelNames);
      this.subscribed = true;
    } catch (error) {
      // No Redis yet and a command timeout: start unsubscribed (not ready); the first ready subscribes.
      if (subscriber.status === 'ready') throw error;
    }
  }

  /**
   * On every ready: ioredis resubscribes by itself, but only a SUBSCRIBE answered here says the
   * channels are heard again; from then on, an event missed in the gap is in Postgres already
   * (it is written before it is published), so the listeners can read it back.
   */
  private async resubscribe(): Promise<void> {
    const channels = [...this.channelNames, ...(this.queuedHearers > 0 ? [this.names.queuedChannel] : [])];
    try {
      if (channels.length) await this.subscriber!.subscribe(...channels);
    } catch {
      return; // dropped again: the next ready tries again
    }
    this.subscribed = true;
    if (this.connections++ === 0) return; // the first connection: nothing was missed
    for (const listener of this.resubscribedListeners) listener();
  }

  onEvent(listener: Listener<ServerEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onControl(listener: Listener<WorkerControl>): () => void {
    this.controlListeners.add(listener);
    return () => this.controlListeners.delete(listener);
  }

  /** Called with every auth notice published anywhere in the cluster. */
  onAuth(listener: Listener<AuthNotice>): () => void {
    this.authListeners.add(listener);
    return () => this.authListeners.delete(listener);
  }

  /** Called with every job detail batch published anywhere (needs `details` in {@link listen}). */
  onDetail(listener: Listener<JobDetailMessage>): () => void {
    this.detailListeners.add(listener);
    return () => this.detailListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private dispatch(channel: string, raw: string): void {
    try {
      if (channel === this.names.eventChannel || channel === this.names.queuedChannel) {
        const event = parseServerEvent(raw);
        for (const listener of this.eventListeners) listener(event);
      } else if (channel === this.names.workerControlChannel) {
        const message = parseWorkerControl(raw);
        for (const listener of this.controlListeners) listener(message);
      } else if (channel === this.names.authChannel) {
        const notice = parseAuthNotice(raw);
        for (const listener of this.authListeners) listener(notice);
      } else if (channel === this.names.jobDetailChannel) {
        const message = parseJobDetailMessage(raw);
        for (const listener of this.detailListeners) listener(message);
      }
    } catch (error) {
      this.onProtocolError(error as Error);
    }
  }
}

/**
 * A process's event bus: publishes on `redis`, listens on a duplicate of it named
 * `<role>-sub`, subscribed to `channels` before it is returned.
 */
export async function openEventBus(
  redis: Redis,
  names: RedisNames,
  role: string,
  channels: BusChannels,
  onProtocolError: (error: Error) => void,
): Promise<EventBus> {
  const bus = new EventBus(redis, names, onProtocolError);
  await bus.listen(duplicateRedis(redis, `${role}-sub`), channels);
  return bus;
}
