import { Injectable } from '@nestjs/common';
import { SnapshotRepository } from '@jobserver/persistence';
import { SnapshotNotFound } from '@jobserver/protocol';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';

/**
 * Whether a context may be started from the snapshot its settings name (`snapshot = <id>`): of a
 * named context (`POST /contexts/<new>?snapshot=<id>`) or an ad-hoc one (a job's
 * `context-settings`). Checked before anything is recorded; the worker restores it at boot.
 */
@Injectable()
export class SnapshotAccess {
  constructor(
    private readonly snapshots: SnapshotRepository,
    private readonly owners: OwnerScope,
  ) {}

  /**
   * Passes when each of the contexts' `settings` names no snapshot, or one that is stored and the
   * principal may see (each id looked up once: a batch's jobs share theirs).
   * @throws SnapshotNotFound
   */
  async assertRestorable(settings: ReadonlyArray<Record<string, unknown> | undefined>, principal: Principal | undefined): Promise<void> {
    const ids = new Set(settings.map((s) => s?.snapshot).filter((id): id is string => typeof id === 'string'));
    for (const id of ids) {
      const snapshot = await this.snapshots.find(id);
      if (!snapshot || !this.owners.sees(principal, snapshot.owner)) throw new SnapshotNotFound(id);
    }
  }
}
