/** API.md's error object: what a job, a statement or a context start threw. */
export interface ErrorObject {
  message: string;
  errorClass: string;
  stack: string[];
}

/** What a {@link JobserverError} is about. */
export type JobserverErrorKind =
  /** The server answered with an error status (4xx, 5xx). */
  | 'http'
  /** No answer: connection refused or reset, DNS failure, TLS error (`status` 0). */
  | 'unreachable'
  /** The request was aborted by its signal (`status` 0). */
  | 'aborted';

/** Fields a JobserverError is made from. */
export interface JobserverErrorInit {
  kind: JobserverErrorKind;
  method: string;
  url: string;
  status?: number;
  body?: unknown;
  cause?: unknown;
}

/**
 * The one error every call of the client throws: an error answer of the server (`status`,
 * parsed `body` in API.md's `{"status", "result"}` shape), an unreachable server (`status` 0) or
 * an aborted call.
 */
export class JobserverError extends Error {
  override readonly name = 'JobserverError';
  readonly kind: JobserverErrorKind;
  /** HTTP status; 0 when there was no answer. */
  readonly status: number;
  /** The answer's body: parsed JSON, else its text; undefined without an answer. */
  readonly body: unknown;
  readonly method: string;
  /** The full URL that was called. */
  readonly url: string;

  constructor(init: JobserverErrorInit) {
    super(messageOf(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
  }

  /** The error label of the body (`ERROR`, `VALIDATION FAILED`, …), if it has API.md's shape. */
  get label(): string | undefined {
    return isErrorBody(this.body) ? this.body.status : undefined;
  }

  /** The body's `result`: a message, or an error object (a failed validation, a context that did not start). */
  get result(): string | ErrorObject | undefined {
    return isErrorBody(this.body) ? this.body.result : undefined;
  }

  /** Why there was no answer (`connect ECONNREFUSED 127.0.0.1:8090`), for `unreachable` errors. */
  get reason(): string | undefined {
    return this.kind === 'unreachable' ? reason(this.cause) : undefined;
  }

  /** 401: no or wrong credentials. */
  get unauthorized(): boolean {
    return this.status === 401;
  }

  /**
   * The server has no such route (a server older than this client): 404 or 405 from the
   * router itself (`Cannot GET /x`, `method … not allowed`), or a 404 that is not in API.md's
   * error shape.
   */
  get routeMissing(): boolean {
    if (this.status !== 404 && this.status !== 405) return false;
    const result = this.result;
    if (result === undefined) return true;
    return typeof result === 'string' && /^(Cannot [A-Z]+ \/|method [A-Z]+ not allowed on )/.test(result);
  }
}

/** Whether a body has API.md's error shape. */
export function isErrorBody(body: unknown): body is { status: string; result: string | ErrorObject } {
  if (typeof body !== 'object' || body === null) return false;
  const { status, result } = body as Record<string, unknown>;
  return typeof status === 'string' && (typeof result === 'string' || (typeof result === 'object' && result !== null));
}

function messageOf(init: JobserverErrorInit): string {
  const target = `${init.method} ${init.url}`;
  if (init.kind === 'unreachable') return `cannot reach the jobserver at ${origin(init.url)}: ${reason(init.cause)}`;
  if (init.kind === 'aborted') return `${target}: aborted`;
  const body = init.body;
  const said = isErrorBody(body)
    ? typeof body.result === 'string'
      ? body.result
      : `${body.result.errorClass}: ${body.result.message}`
    : typeof body === 'string' && body.length > 0
      ? body.slice(0, 200)
      : '';
  return `${target} answered ${init.status}${said ? `: ${said}` : ''}`;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The innermost useful reason of a network failure (`ECONNREFUSED`, `getaddrinfo ENOTFOUND x`). */
export function reason(cause: unknown): string {
  let error = cause;
  for (let depth = 0; depth < 5 && error instanceof Error && error.cause !== undefined; depth++) error = error.cause;
  if (error instanceof AggregateError && error.errors.length) error = error.errors[0];
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
