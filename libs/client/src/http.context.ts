import { authorizationHeader, DEFAULT_RETRY, type ClientOptions, type RetryPolicy } from './client.options';
import { JobserverError } from './jobserver.error';

/** What the parts of the client share: where the server is, the headers, the fetch, the retry policy. */
export interface HttpContext {
  /** The server URL without a trailing slash. */
  readonly baseUrl: string;
  /** Authorization and extra headers of every request. */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
  readonly retry: RetryPolicy;
}

export function httpContext(options: ClientOptions): HttpContext {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError(`not a URL: ${options.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`not an http(s) URL: ${options.url}`);
  const authorization = authorizationHeader(options.auth);
  return {
    baseUrl: url.toString().replace(/\/+$/, ''),
    headers: { ...options.headers, ...(authorization ? { authorization } : {}) },
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
}

/** The parsed body of an answer: JSON when it parses, else its text. */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The JobserverError of an error answer (its body read). */
export async function httpError(method: string, response: Response): Promise<JobserverError> {
  return new JobserverError({ kind: 'http', method, url: response.url, status: response.status, body: await readBody(response) });
}
