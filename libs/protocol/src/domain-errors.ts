import type { ErrorInfo } from './error-info';

/**
 * Base of the errors services throw for conditions a client caused. `httpStatus` and `label`
 * give the REST answer (`{"status": label, "result": message}`); services never throw HTTP errors.
 */
export abstract class DomainError extends Error {
  abstract readonly httpStatus: number;
  /** The `status` field of the error body. @defaultValue 'ERROR' */
  readonly label: string = 'ERROR';
  /** Response headers the answer carries (`WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
}

const domainError = (name: string, httpStatus: number, label = 'ERROR') => {
  const cls = class extends DomainError {
    readonly httpStatus = httpStatus;
    override readonly label = label;
    override readonly name = name;
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
};

export class BadRequest extends domainError('BadRequest', 400) {}
/** The client's Accept header admits nothing the route can answer. */
export class NotAcceptable extends domainError('NotAcceptable', 406) {}
export class InvalidBundleUpload extends domainError('InvalidBundleUpload', 400) {}
export class BundleNotFound extends domainError('BundleNotFound', 404) {
  constructor(readonly appName: string, message = `Can't find binary with name ${appName}`) {
    super(message);
  }
}
export class BundleInUse extends domainError('BundleInUse', 403) {}
export class ContextExists extends domainError('ContextExists', 400) {
  constructor(readonly context: string) {
    super(`context ${context} exists`);
  }
}
/** Starting one more context would exceed `max-contexts` (live contexts, named and ad hoc). */
export class TooManyContexts extends domainError('TooManyContexts', 429) {
  constructor(readonly maxContexts: number) {
    super(`too many contexts: max-contexts (${maxContexts}) are live; stop one first`);
  }
}
export class ContextNotFound extends domainError('ContextNotFound', 404) {
  constructor(readonly context: string) {
    super(`context ${context} not found`);
  }
}
export class ContextStopping extends domainError('ContextStopping', 409) {
  constructor() {
    super('Context stop in progress');
  }
}
/** A `DELETE /contexts/<name>` reached the context before its `POST` saw it RUNNING. */
export class ContextStoppedWhileStarting extends domainError('ContextStoppedWhileStarting', 409) {
  constructor(context: string) {
    super(`context ${context} was stopped while starting`);
  }
}
/** A console statement id the context does not have (never had, or no longer keeps). */
export class StatementNotFound extends domainError('StatementNotFound', 404) {
  constructor(id: number | string) {
    super(`statement ${id} not found`);
  }
}
/** Console statements run in named contexts only: an ad-hoc context ends with its job. */
export class AdHocContextStatement extends domainError('AdHocContextStatement', 409) {
  constructor(context: string) {
    super(`context ${context} is ad hoc: statements run in named contexts only`);
  }
}
export class ClassPathNotFound extends domainError('ClassPathNotFound', 404) {
  constructor(readonly classPath: string) {
    super(`classPath ${classPath} not found`);
  }
}
export class JobNotFound extends domainError('JobNotFound', 404) {
  constructor(readonly jobId: string) {
    super(`No such job ID ${jobId}`);
  }
}
export class NoRunningJob extends domainError('NoRunningJob', 404) {
  constructor(readonly jobId: string) {
    super(`No running job with ID ${jobId}`);
  }
}

export class ScheduleNotFound extends domainError('ScheduleNotFound', 404) {
  constructor(readonly schedule: string) {
    super(`schedule ${schedule} not found`);
  }
}
export class ScheduleExists extends domainError('ScheduleExists', 409) {
  constructor(readonly schedule: string) {
    super(`schedule ${schedule} exists; DELETE it first to replace it`);
  }
}

/** No or bad credentials (API.md "Authentication and permissions"). */
export class AuthenticationRequired extends domainError('AuthenticationRequired', 401) {
  override readonly headers = { 'www-authenticate': 'Basic realm="jobserver"' };
  constructor() {
    super('authentication required');
  }
}
/** Valid credentials without the route's permission. */
export class PermissionRequired extends domainError('PermissionRequired', 403) {
  constructor(readonly permission: string) {
    super(`permission ${permission} required`);
  }
}
export class ApiKeyNotFound extends domainError('ApiKeyNotFound', 404) {
  constructor(readonly keyId: string) {
    super(`No such API key ${keyId}`);
  }
}
/** Too many failed authentications from one client address. */
export class TooManyFailures extends domainError('TooManyFailures', 429) {
  override readonly headers: Readonly<Record<string, string>>;
  constructor(retryAfterSeconds: number) {
    super('too many failed authentications from this address, retry later');
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

/** An error whose REST body carries an error object instead of a message. */
export abstract class DomainErrorWithInfo extends DomainError {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}
export class ValidationFailed extends DomainErrorWithInfo {
  readonly httpStatus = 400;
  override readonly label = 'VALIDATION FAILED';
  override readonly name = 'ValidationFailed';
}
export class ContextInitError extends DomainErrorWithInfo {
  readonly httpStatus = 500;
  override readonly label = 'CONTEXT INIT ERROR';
  override readonly name = 'ContextInitError';
}
/**
 * A service the server needs (Redis, Postgres) does not answer now: a 503 the client retries.
 * Thrown before anything is recorded when the outage is known up front (a Redis connection
 * that is not ready), so a refused request leaves nothing half-done.
 */
export class ServiceUnavailable extends domainError('ServiceUnavailable', 503) {
  constructor(readonly service: 'Postgres' | 'Redis') {
    super(`${service} unreachable, retry later`);
  }
}

/** A named object that the context does not hold (GET/DELETE /contexts/<name>/objects/<object>). */
export class NamedObjectNotFound extends domainError('NamedObjectNotFound', 404) {
  constructor(readonly object: string, readonly context: string) {
    super(`No named object ${object} in context ${context}`);
  }
}

/** A snapshot id that names no stored snapshot (or one of another owner's context, with isolate-owners). */
export class SnapshotNotFound extends domainError('SnapshotNotFound', 404) {
  constructor(readonly snapshot: string) {
    super(`snapshot ${snapshot} not found`);
  }
}

/** A snapshot whose objects together serialize to more than the context's `snapshot-max-bytes`: nothing was stored. */
export class SnapshotTooLarge extends domainError('SnapshotTooLarge', 413) {}

/**
 * A context's executor thread did not answer a request in time: a job (or statement) holds the
 * thread. A 503 the client retries.
 */
export class ExecutorBusy extends domainError('ExecutorBusy', 503) {
  constructor(readonly context: string, waitMs: number) {
    super(`the executor of context ${context} did not answer within ${waitMs / 1000} s (a job is holding its thread); retry later`);
  }
}

/** An `Idempotency-Key` used again, within the window, with a request other than its first one. */
export class IdempotencyConflict extends domainError('IdempotencyConflict', 422) {
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was first used with a different request: use a new key for a new request`);
  }
}

/** A repeat of a request whose first instance has not recorded anything yet. */
export class IdempotencyInProgress extends domainError('IdempotencyInProgress', 409) {
  constructor(readonly key: string) {
    super(`a request with Idempotency-Key ${key} is still being recorded: retry in a moment`);
  }
}

/** A `/data` filename that is not stored (never was, or deleted). */
export class DataFileNotFound extends domainError('DataFileNotFound', 404) {
  constructor(readonly filename: string) {
    super(`data file ${filename} not found`);
  }
}
