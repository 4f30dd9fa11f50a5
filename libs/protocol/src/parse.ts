import { JOB_DETAIL_EVENT_TYPES, type JobDetailMessage } from './job-events';
import type { AuthNotice, ServerEvent, WorkerControl } from './messages';

/** A message on a queue or channel that does not have the expected shape. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

function parseObject(raw: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ProtocolError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null) throw new ProtocolError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function requireString(obj: Record<string, unknown>, key: string, what: string): void {
  if (typeof obj[key] !== 'string') throw new ProtocolError(`${what} has no string ${key}`);
}

/** Parses a message of the event channel. @throws ProtocolError */
export function parseServerEvent(raw: string): ServerEvent {
  const obj = parseObject(raw, 'event');
  if (obj.kind === 'job') {
    for (const key of ['jobId', 'context', 'status']) requireString(obj, key, 'job event');
  } else if (obj.kind === 'context' || obj.kind === 'statement') {
    for (const key of ['context', 'contextId', 'state']) requireString(obj, key, `${obj.kind} event`);
  } else if (obj.kind === 'completion') {
    requireString(obj, 'requestId', 'completion event');
    if (!Array.isArray(obj.candidates)) throw new ProtocolError('completion event has no candidates');
  } else if (obj.kind === 'objects') {
    requireString(obj, 'requestId', 'objects event');
    if (obj.objects !== null && !Array.isArray(obj.objects)) throw new ProtocolError('objects event has no objects');
  } else if (obj.kind === 'snapshot') {
    requireString(obj, 'requestId', 'snapshot event');
  } else {
    throw new ProtocolError(`event has unknown kind ${String(obj.kind)}`);
  }
  return obj as unknown as ServerEvent;
}

/** Parses a message of the detail channel: a job id and its events, each with seq, time and type. @throws ProtocolError */
export function parseJobDetailMessage(raw: string): JobDetailMessage {
  const obj = parseObject(raw, 'job detail message');
  requireString(obj, 'jobId', 'job detail message');
  if (!Array.isArray(obj.events)) throw new ProtocolError('job detail message has no events array');
  for (const event of obj.events as unknown[]) {
    if (typeof event !== 'object' || event === null) throw new ProtocolError('job detail event is not an object');
    const e = event as Record<string, unknown>;
    if (!Number.isInteger(e.seq)) throw new ProtocolError('job detail event has no integer seq');
    requireString(e, 'time', 'job detail event');
    if (!JOB_DETAIL_EVENT_TYPES.includes(e.type as never)) throw new ProtocolError(`job detail event has unknown type ${String(e.type)}`);
  }
  return obj as unknown as JobDetailMessage;
}

/** Parses a message of the worker control channel. @throws ProtocolError */
export function parseWorkerControl(raw: string): WorkerControl {
  const obj = parseObject(raw, 'worker control');
  requireString(obj, 'context', 'worker control');
  if (obj.type === 'cancel') requireString(obj, 'jobId', 'cancel');
  else if (obj.type === 'kill' || obj.type === 'cancel-statement') requireString(obj, 'contextId', String(obj.type));
  else if (obj.type === 'complete') requireString(obj, 'code', 'complete');
  else if (obj.type === 'objects' || obj.type === 'snapshot') requireString(obj, 'requestId', obj.type);
  else if (obj.type !== 'stop') throw new ProtocolError(`worker control has unknown type ${String(obj.type)}`);
  return obj as unknown as WorkerControl;
}

/** Parses a message of the auth channel. @throws ProtocolError */
export function parseAuthNotice(raw: string): AuthNotice {
  const obj = parseObject(raw, 'auth notice');
  if (obj.type === 'key-revoked') requireString(obj, 'keyId', 'key revocation');
  else if (obj.type === 'address-blocked') {
    requireString(obj, 'address', 'address block');
    if (typeof obj.seconds !== 'number' || !(obj.seconds > 0)) throw new ProtocolError('address block has no seconds');
  } else throw new ProtocolError(`auth notice has unknown type ${String(obj.type)}`);
  return obj as unknown as AuthNotice;
}

/** Checks that a BullMQ payload has the given string fields. @throws ProtocolError */
export function assertPayload<T>(data: unknown, keys: readonly string[], what: string): T {
  if (typeof data !== 'object' || data === null) throw new ProtocolError(`${what} is not an object`);
  for (const key of keys) requireString(data as Record<string, unknown>, key, what);
  return data as T;
}
