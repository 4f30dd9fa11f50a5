import { snapshotMaxBytes, type ServerConfig } from '@jobserver/config';
import { SnapshotRepository, toSnapshotSummary, type ContextRecord, type SnapshotRecord } from '@jobserver/persistence/core';
import { SNAPSHOT_EXECUTOR_WAIT_MS, type SnapshotEvent, type WorkerControl } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { ExecutorService } from '../context/executor.service';
import { Logger } from '../infra/logger';

/** How long a fresh executor thread may take to deserialize a snapshot's objects. */
const RESTORE_WAIT_MS = 60_000;

/**
 * Context snapshots on the worker's side: takes them (`POST /contexts/<name>/snapshots`: the
 * executor thread serializes the named objects, this stores them in Postgres) and restores one
 * into the executor at the context's start, before it is RUNNING: the `snapshot` setting's, or
 * with `restore = latest` the newest of the context's name (with `auth.isolate-owners`, of its
 * owner's snapshots).
 */
export class SnapshotService {
  private readonly logger = new Logger(SnapshotService.name);
  private context: ContextRecord | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly snapshots: SnapshotRepository,
    private readonly executors: ExecutorService,
    private readonly bus: EventBus,
  ) {}

  attach(context: ContextRecord): void {
    this.context = context;
  }

  /** Applies a `snapshot` control message addressed to this context. */
  control(message: WorkerControl): void {
    if (message.type === 'snapshot') void this.take(message.requestId);
  }

  /**
   * Restores the snapshot the context's settings name (`snapshot`, or `restore = latest`: the
   * newest of its name, if any) into the executor. Objects that do not deserialize are logged
   * and left out.
   * @throws Error when the named snapshot is gone or the executor does not restore it in time
   */
  async restore(context: ContextRecord): Promise<void> {
    const snapshot = await this.toRestore(context);
    if (!snapshot) return;
    const started = Date.now();
    const outcome = await this.executors.executor.restore(await this.snapshots.objects(snapshot), RESTORE_WAIT_MS);
    if (!outcome) throw new Error(`the executor did not restore snapshot ${snapshot.id} within ${RESTORE_WAIT_MS / 1000} s`);
    for (const { name, reason } of outcome.failed) {
      this.logger.warn({ context: context.name, snapshot: snapshot.id, object: name, reason }, 'named object not restored');
    }
    const fields = { context: context.name, snapshot: snapshot.id, objects: outcome.restored.length, bytes: snapshot.bytes, ms: Date.now() - started };
    this.logger.log(fields, 'snapshot restored');
  }

  private async toRestore(context: ContextRecord): Promise<SnapshotRecord | null> {
    const id = context.settings.snapshot;
    if (typeof id === 'string') {
      const snapshot = await this.snapshots.find(id);
      if (!snapshot) throw Object.assign(new Error(`snapshot ${id} not found`), { name: 'SnapshotNotFound' });
      return snapshot;
    }
    if (context.settings.restore !== 'latest') return null;
    // With isolated owners a name reused by another owner must not get the previous owner's objects.
    const latest = await this.snapshots.latest(context.name, this.config.auth.isolateOwners ? context.owner : undefined);
    if (!latest) this.logger.log({ context: context.name }, 'restore = latest: no snapshot of this context yet; starting empty');
    return latest;
  }

  private async take(requestId: string): Promise<void> {
    const context = this.context;
    if (!context) return;
    const answer = await this.store(context).catch((err: unknown): Pick<SnapshotEvent, 'refusal'> => {
      this.logger.error({ err, context: context.name }, 'storing the snapshot failed');
      return { refusal: { status: 503, message: `the snapshot could not be stored: ${(err as Error)?.message ?? String(err)}` } };
    });
    await this.bus.publish({ kind: 'snapshot', context: context.name, requestId, ...answer }).catch(() => 0);
  }

  /** Serializes the named objects on the executor thread and stores them; nothing (busy) or a refusal when it cannot. */
  private async store(context: ContextRecord): Promise<Pick<SnapshotEvent, 'snapshot' | 'refusal'>> {
    const maxBytes = snapshotMaxBytes(context.settings, this.config.snapshotMaxBytes);
    const started = Date.now();
    const taken = await this.executors.executor.snapshot(maxBytes, SNAPSHOT_EXECUTOR_WAIT_MS).catch(() => null);
    if (!taken) return {};
    if (taken.overCap) {
      const message =
        `snapshot of context ${context.name} not stored: its cloneable named objects serialize to at least ${taken.bytes} bytes, ` +
        `over snapshot-max-bytes (${maxBytes} bytes); destroy or shrink some, or raise the context's snapshot-max-bytes (at most the server's)`;
      return { refusal: { status: 413, message } };
    }
    const serializedMs = Date.now() - started;
    const record = await this.snapshots.insert({ context: context.name, owner: context.owner, skipped: taken.skipped }, taken.objects);
    const fields = { context: context.name, snapshot: record.id, objects: record.objects.length, skipped: record.skipped.length, bytes: record.bytes, serializedMs, ms: Date.now() - started };
    this.logger.log(fields, 'snapshot stored');
    return { snapshot: toSnapshotSummary(record) };
  }
}
