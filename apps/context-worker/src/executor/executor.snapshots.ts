import type { MessagePort } from 'node:worker_threads';
import type { SerializedObject, SerializedSnapshot, SkippedObject } from './snapshot.serializer';
import type { FromExecutorSnapshotMessage, ToExecutorSnapshotMessage } from './snapshot.messages';

/** What a restore did: the objects now in the store, and those that did not deserialize. */
export interface RestoreOutcome {
  restored: string[];
  failed: SkippedObject[];
}

/**
 * The main thread's side of the snapshot messages of one executor: sends a request, matches the
 * thread's answer to it. Kept beside {@link Executor}, which routes the `snapshot-*` answers here.
 */
export class ExecutorSnapshots {
  private readonly requests = new Map<string, (answer: FromExecutorSnapshotMessage) => void>();
  private nextRequest = 0;

  onMessage(message: FromExecutorSnapshotMessage): void {
    this.requests.get(message.jobId)?.(message);
  }

  /** Serializes the thread's named objects under `maxBytes`; null when it does not answer within `waitMs` (busy). */
  async take(port: MessagePort | undefined, maxBytes: number, waitMs: number): Promise<SerializedSnapshot | null> {
    const answer = await this.ask(port, waitMs, (jobId) => ({ type: 'snapshot-take', jobId, maxBytes }));
    if (answer?.type !== 'snapshot-taken') return null;
    const { objects, skipped, bytes, overCap } = answer;
    return { objects, skipped, bytes, overCap };
  }

  /** Deserializes `objects` into the thread's store; null when it does not answer within `waitMs`. */
  async restore(port: MessagePort | undefined, objects: SerializedObject[], waitMs: number): Promise<RestoreOutcome | null> {
    const answer = await this.ask(port, waitMs, (jobId) => ({ type: 'snapshot-restore', jobId, objects }));
    return answer?.type === 'snapshot-restored' ? { restored: answer.restored, failed: answer.failed } : null;
  }

  private ask(port: MessagePort | undefined, waitMs: number, message: (jobId: string) => ToExecutorSnapshotMessage): Promise<FromExecutorSnapshotMessage | null> {
    const jobId = `snapshot:${++this.nextRequest}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), waitMs);
      const done = (answer: FromExecutorSnapshotMessage | null) => {
        clearTimeout(timer);
        this.requests.delete(jobId);
        resolve(answer);
      };
      this.requests.set(jobId, done);
      port?.postMessage(message(jobId));
    });
  }
}
