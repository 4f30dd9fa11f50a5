import type { EventBus } from './event-bus';
import type { ContextEvent, JobEvent, ServerEvent } from './messages';
import type { SnapshotEvent } from './snapshots';
import type { CompletionEvent, ObjectsEvent, StatementEvent } from './statements';

type Waiter = { accept: (event: ServerEvent) => boolean; resolve: (event: ServerEvent | null) => void };

/**
 * Lets a request wait for the events of one job or context. Waiters are registered before the
 * request's message is enqueued, so no event can slip by unseen.
 */
export class EventWaiter {
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(bus: EventBus) {
    bus.onEvent((event) => this.dispatch(event));
  }

  /** Registers interest in a job's events; call `wait` (or `cancel`) on the handle. */
  forJob(jobId: string, accept: (event: JobEvent) => boolean): Pending<JobEvent> {
    return this.register(`job:${jobId}`, (e) => e.kind === 'job' && accept(e));
  }

  forContext(context: string, accept: (event: ContextEvent) => boolean): Pending<ContextEvent> {
    return this.register(`context:${context}`, (e) => e.kind === 'context' && accept(e));
  }

  /** Registers interest in the end of statement `statementId` of context life `contextId`. */
  forStatement(contextId: string, statementId: number): Pending<StatementEvent> {
    return this.register(`statement:${contextId}:${statementId}`, () => true);
  }

  /** Registers interest in the answer to completion request `requestId`. */
  forCompletion(requestId: string): Pending<CompletionEvent> {
    return this.register(`completion:${requestId}`, () => true);
  }

  /** Registers interest in the answer to named-object catalog request `requestId`. */
  forObjects(requestId: string): Pending<ObjectsEvent> {
    return this.register(`objects:${requestId}`, () => true);
  }

  /** Registers interest in the answer to snapshot request `requestId`. */
  forSnapshot(requestId: string): Pending<SnapshotEvent> {
    return this.register(`snapshot:${requestId}`, () => true);
  }

  private register<E extends ServerEvent>(key: string, accept: (e: ServerEvent) => boolean): Pending<E> {
    let resolve!: (event: ServerEvent | null) => void;
    const promise = new Promise<ServerEvent | null>((r) => (resolve = r));
    const waiter: Waiter = { accept, resolve };
    const set = this.waiters.get(key) ?? new Set();
    set.add(waiter);
    this.waiters.set(key, set);
    const remove = () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
    };
    return new Pending<E>(promise as Promise<E | null>, remove, resolve);
  }

  /** The jobs some request waits on now (to read back after a missed stretch of events). */
  pendingJobIds(): string[] {
    return [...this.waiters.keys()].filter((key) => key.startsWith('job:')).map((key) => key.slice(4));
  }

  /** Hands an event read back from the store to the waiters, as if it had been heard. */
  deliver(event: ServerEvent): void {
    this.dispatch(event);
  }

  private dispatch(event: ServerEvent): void {
    const key = waiterKey(event);
    for (const waiter of this.waiters.get(key) ?? []) {
      if (waiter.accept(event)) waiter.resolve(event);
    }
  }
}

function waiterKey(event: ServerEvent): string {
  switch (event.kind) {
    case 'job':
      return `job:${event.jobId}`;
    case 'context':
      return `context:${event.context}`;
    case 'statement':
      return `statement:${event.contextId}:${event.statementId}`;
    case 'completion':
      return `completion:${event.requestId}`;
    case 'objects':
      return `objects:${event.requestId}`;
    case 'snapshot':
      return `snapshot:${event.requestId}`;
  }
}

/** A registered wait: resolves with the first accepted event, or null after the timeout. */
export class Pending<E> {
  constructor(
    private readonly promise: Promise<E | null>,
    private readonly remove: () => void,
    private readonly resolve: (event: null) => void,
  ) {}

  async wait(timeoutMs: number): Promise<E | null> {
    const timer = setTimeout(() => this.resolve(null), timeoutMs);
    try {
      return await this.promise;
    } finally {
      clearTimeout(timer);
      this.remove();
    }
  }

  cancel(): void {
    this.resolve(null);
    this.remove();
  }
}
