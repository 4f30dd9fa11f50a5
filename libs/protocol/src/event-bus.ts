import Redis from 'ioredis';
import type { ServerEvent, WorkerControl } from './messages';
import type { RedisNames } from './names';
import { parseKeyRevocation, parseServerEvent, parseWorkerControl } from './parse';

/** Opens an ioredis connection named after its role (visible in `CLIENT LIST`). */
export function connectRedis(url: string, role: string): Redis {
  return new Redis(url, { connectionName: role, maxRetriesPerRequest: null, enableReadyCheck: true });
}

type Listener<T> = (message: T) => void;

/** The channels a process listens on: job and context events, worker control, API key revocations. */
export interface BusChannels {
  events?: boolean;
  control?: boolean;
  revocations?: boolean;
}

/**
 * Pub/sub of server events and worker control messages. One subscriber connection per
 * process, whatever the number of waiters; malformed messages go to `onProtocolError`.
 */
export class EventBus {
  private readonly eventListeners = new Set<Listener<ServerEvent>>();
  private readonly controlListeners = new Set<Listener<WorkerControl>>();
  private readonly revocationListeners = new Set<Listener<string>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly names: RedisNames,
    private readonly onProtocolError: (error: Error) => void,
  ) {}

  publish(event: ServerEvent): Promise<number> {
    return this.publisher.publish(this.names.eventChannel, JSON.stringify(event));
  }

  sendControl(message: WorkerControl): Promise<number> {
    return this.publisher.publish(this.names.workerControlChannel, JSON.stringify(message));
  }

  /** Announces to every gateway that an API key is revoked (they drop it from their caches). */
  publishKeyRevocation(keyId: string): Promise<number> {
    return this.publisher.publish(this.names.authRevocationChannel, JSON.stringify({ keyId }));
  }

  /** Subscribes this process to the channels it listens on; resolves once subscribed. */
  async listen(subscriber: Redis, channels: BusChannels): Promise<void> {
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    const names = [
      ...(channels.events ? [this.names.eventChannel] : []),
      ...(channels.control ? [this.names.workerControlChannel] : []),
      ...(channels.revocations ? [this.names.authRevocationChannel] : []),
    ];
    if (names.length) await subscriber.subscribe(...names);
  }

  onEvent(listener: Listener<ServerEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onControl(listener: Listener<WorkerControl>): () => void {
    this.controlListeners.add(listener);
    return () => this.controlListeners.delete(listener);
  }

  /** Called with the id of every API key revoked anywhere in the cluster. */
  onKeyRevoked(listener: Listener<string>): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private dispatch(channel: string, raw: string): void {
    try {
      if (channel === this.names.eventChannel) {
        const event = parseServerEvent(raw);
        for (const listener of this.eventListeners) listener(event);
      } else if (channel === this.names.workerControlChannel) {
        const message = parseWorkerControl(raw);
        for (const listener of this.controlListeners) listener(message);
      } else if (channel === this.names.authRevocationChannel) {
        const keyId = parseKeyRevocation(raw);
        for (const listener of this.revocationListeners) listener(keyId);
      }
    } catch (error) {
      this.onProtocolError(error as Error);
    }
  }
}

/**
 * Whether Redis answers PING within `timeoutMs` (container health checks).
 * @defaultValue timeoutMs 2000
 */
export async function probeRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined); // the answer is the probe's result
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  try {
    return await Promise.race([redis.connect().then(() => redis.ping()).then((pong) => pong === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    redis.disconnect();
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
  await bus.listen(redis.duplicate({ connectionName: `${role}-sub` }), channels);
  return bus;
}
