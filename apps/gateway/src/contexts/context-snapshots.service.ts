import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SnapshotRepository, toSnapshotSummary } from '@jobserver/persistence';
import {
  EventWaiter,
  ExecutorBusy,
  ServiceUnavailable,
  SNAPSHOT_EXECUTOR_WAIT_MS,
  SnapshotNotFound,
  SnapshotTooLarge,
  type SnapshotSummary,
} from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { isStoredContextName } from '../infra/names';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { ContextService } from './context.service';

/** How long a snapshot request waits for the context's worker: its wait for the executor thread, plus storing the objects. */
const SNAPSHOT_TIMEOUT_MS = SNAPSHOT_EXECUTOR_WAIT_MS + 25_000;

/**
 * Snapshots of a context's named objects (`POST`/`GET /contexts/<name>/snapshots`): taken by its
 * worker, whose executor thread serializes the objects and which stores them in Postgres; the
 * gateway asks over the control channel and waits for the answer, like the object catalog.
 */
@Injectable()
export class ContextSnapshotsService {
  constructor(
    private readonly contexts: ContextService,
    private readonly snapshots: SnapshotRepository,
    private readonly owners: OwnerScope,
    private readonly waiter: EventWaiter,
    private readonly bus: EventBus,
    private readonly redis: RedisReadiness,
  ) {}

  /** @throws ContextNotFound; SnapshotTooLarge (nothing stored); ExecutorBusy; ServiceUnavailable */
  async take(name: string, principal?: Principal): Promise<SnapshotSummary> {
    await this.contexts.findLive(name, principal);
    this.redis.assertReady();
    const requestId = randomUUID();
    const answer = this.waiter.forSnapshot(requestId);
    await this.bus.sendControl({ type: 'snapshot', context: name, requestId }).catch((error: unknown) => {
      answer.cancel();
      throw error;
    });
    const event = await answer.wait(SNAPSHOT_TIMEOUT_MS);
    if (event?.refusal?.status === 413) throw new SnapshotTooLarge(event.refusal.message);
    if (event?.refusal) throw new ServiceUnavailable('Postgres');
    // An answer without a snapshot: the executor thread was busy; none at all: the worker was.
    if (!event?.snapshot) throw new ExecutorBusy(name, event ? SNAPSHOT_EXECUTOR_WAIT_MS : SNAPSHOT_TIMEOUT_MS);
    return event.snapshot;
  }

  /**
   * The snapshots of a context name, newest first: also of a name no live context holds now
   * (to pick one to restore).
   * @throws ContextNotFound when the name has neither a live context nor snapshots (the principal may see)
   */
  async list(name: string, principal?: Principal): Promise<SnapshotSummary[]> {
    const found = isStoredContextName(name) ? await this.snapshots.list(name, this.owners.of(principal)) : [];
    if (found.length === 0) await this.contexts.findLive(name, principal);
    return found.map(toSnapshotSummary);
  }

  /** Deletes a snapshot of that context name. @throws SnapshotNotFound (also one of another name, or owner with isolate-owners) */
  async remove(name: string, id: string, principal?: Principal): Promise<void> {
    const snapshot = await this.snapshots.find(id);
    if (!snapshot || snapshot.context !== name || !this.owners.sees(principal, snapshot.owner)) throw new SnapshotNotFound(id);
    if (!(await this.snapshots.delete(id))) throw new SnapshotNotFound(id);
  }
}
