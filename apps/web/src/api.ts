import { authorization, signOut } from './session';

/** A refused request: the HTTP status and the message of the API's `{"status","result"}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function describe(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'result' in body) {
    const { result, status: label } = body as { result: unknown; status?: string };
    const text =
      typeof result === 'string'
        ? result
        : result && typeof result === 'object' && 'message' in result
          ? String((result as { message: unknown }).message)
          : JSON.stringify(result);
    return `${status} ${label ?? ''}: ${text}`;
  }
  return `${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`;
}

/** The headers every API request carries: the signed-in tab's `Authorization`, if any. */
export function authHeaders(): Record<string, string> {
  const header = authorization();
  return header ? { Authorization: header } : {};
}

/** The API's text, or its error as an ApiError; a 401 signs the tab out (the app shows the sign-in). */
export async function apiText(path: string, init: RequestInit = {}): Promise<string> {
  // credentials: 'omit' — no cookies are needed, and a 401's `WWW-Authenticate: Basic` then opens
  // no browser login prompt: the app's own sign-in form answers it.
  const res = await fetch(path, {
    ...init,
    credentials: 'omit',
    headers: { Accept: 'application/json', ...authHeaders(), ...init.headers },
  });
  const text = await res.text();
  if (res.ok) return text;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const error = new ApiError(res.status, describe(res.status, body));
  if (res.status === 401) signOut(error.message);
  throw error;
}

/** Calls the REST API; resolves to the parsed JSON body, rejects with an ApiError on a non-2xx answer. */
export async function api<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  const text = await apiText(path, init);
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

export const enc = encodeURIComponent;

/** An error as the pages show it: `403 ERROR: permission jobs:delete required`. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface JobRow {
  jobId: string;
  status: string;
  classPath: string;
  appName: string;
  context: string;
  startTime: string;
  duration: string;
  /** When the job was submitted (beyond API.md; see docs/web-ui.md). */
  submitTime?: string;
}

export const STATUSES = ['QUEUED', 'RUNNING', 'FINISHED', 'ERROR', 'KILLED'] as const;
