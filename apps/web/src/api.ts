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

/** Calls the REST API; resolves to the parsed JSON body, rejects with an ApiError on a non-2xx answer. */
export async function api<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { Accept: 'application/json', ...init.headers },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) throw new ApiError(res.status, describe(res.status, body));
  return body as T;
}

export const enc = encodeURIComponent;

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
}

export const STATUSES = ['QUEUED', 'RUNNING', 'FINISHED', 'ERROR', 'KILLED'] as const;
