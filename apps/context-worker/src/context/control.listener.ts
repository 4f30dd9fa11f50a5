import { type WorkerControl } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { JobRunService } from '../jobs/job-run.service';
import { SnapshotService } from '../snapshots/snapshot.service';
import { StatementRunService } from '../statements/statement-run.service';
import { ContextHostService } from './context-host.service';

/** Applies worker control messages (cancel a job, stop, kill, snapshot) addressed to this context. */
export class ControlListener {
  constructor(
    private readonly bus: EventBus,
    private readonly host: ContextHostService,
    private readonly runs: JobRunService,
    private readonly statements: StatementRunService,
    private readonly snapshots: SnapshotService,
  ) {}

  /** Starts applying the control messages of the event bus. */
  listen(): void {
    this.bus.onControl((message) => this.apply(message));
  }

  private apply(message: WorkerControl): void {
    if (message.context !== this.host.name) return;
    if (message.type === 'stop') {
      // A stop meant for an earlier life of the name (this worker may have taken it up since).
      if (message.contextId === undefined || message.contextId === this.host.contextId) void this.host.stop(message.force);
    }
    else if (message.type === 'kill') {
      if (message.contextId === this.host.contextId) void this.host.terminate();
    } else if (message.type === 'cancel') this.runs.cancel(message.jobId);
    else if (message.type === 'snapshot') this.snapshots.control(message);
    else this.statements.control(message);
  }
}
