import type { SerializedObject, SkippedObject } from './snapshot.serializer';

/**
 * The snapshot part of the executor protocol (`POST /contexts/<name>/snapshots`, restores at a
 * context's start): requests of the main thread, keyed by `jobId` like the catalog's, each
 * answered once by the thread that holds the named objects.
 */

/** Main thread → executor: serialize every named object (snapshot.serializer.ts), under `maxBytes`. */
export interface TakeSnapshotMessage {
  type: 'snapshot-take';
  jobId: string;
  maxBytes: number;
}

/** Main thread → executor: deserialize these objects into the store (before any job runs). */
export interface RestoreSnapshotMessage {
  type: 'snapshot-restore';
  jobId: string;
  objects: SerializedObject[];
}

/** Executor → main thread: the answer to a {@link TakeSnapshotMessage}. */
export interface SnapshotTakenMessage {
  type: 'snapshot-taken';
  jobId: string;
  objects: SerializedObject[];
  skipped: SkippedObject[];
  bytes: number;
  overCap: boolean;
}

/** Executor → main thread: the answer to a {@link RestoreSnapshotMessage}. */
export interface SnapshotRestoredMessage {
  type: 'snapshot-restored';
  jobId: string;
  restored: string[];
  failed: SkippedObject[];
}

export type ToExecutorSnapshotMessage = TakeSnapshotMessage | RestoreSnapshotMessage;
export type FromExecutorSnapshotMessage = SnapshotTakenMessage | SnapshotRestoredMessage;

/** Whether a message of the thread is one of the snapshot answers. */
export function isSnapshotMessage(message: { type?: unknown }): boolean {
  return message.type === 'snapshot-taken' || message.type === 'snapshot-restored';
}

const isSkipped = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as SkippedObject).name === 'string' && typeof (value as SkippedObject).reason === 'string';

/** Whether a message from the thread is a well-formed {@link FromExecutorSnapshotMessage}. */
export function isFromExecutorSnapshotMessage(value: Record<string, unknown>): boolean {
  const list = (key: string, each: (item: unknown) => boolean) => Array.isArray(value[key]) && (value[key] as unknown[]).every(each);
  if (value.type === 'snapshot-restored') return list('restored', (name) => typeof name === 'string') && list('failed', isSkipped);
  return (
    value.type === 'snapshot-taken' &&
    typeof value.bytes === 'number' &&
    typeof value.overCap === 'boolean' &&
    list('skipped', isSkipped) &&
    list('objects', (o) => typeof (o as Partial<SerializedObject>)?.name === 'string' && (o as SerializedObject).data instanceof Uint8Array)
  );
}
