import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/openapi';
import type { HttpContext } from './http.context';
import { JobserverError } from './jobserver.error';
import { retryingFetch } from './retrying.fetch';

/** The typed openapi-fetch client of the server's paths. */
export type Api = Client<paths>;

export function openApi(http: HttpContext): Api {
  return createClient<paths>({ baseUrl: http.baseUrl, headers: http.headers, fetch: retryingFetch(http.fetch, http.retry) });
}

/** What openapi-fetch answers. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of a successful answer.
 * @throws JobserverError (`http`) with the status and body of an error answer
 */
export async function unwrap<T>(method: string, call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new JobserverError({ kind: 'http', method, url: response.url, status: response.status, body: error });
}

/** A raw body (bundle bytes, HOCON text) sent as is, not as JSON. */
export const asIs = (body: unknown): unknown => body;

/** A job config as the body of `POST /jobs`: text as is, an object as JSON. */
export function configBody(config: Record<string, unknown> | string | undefined): string {
  if (config === undefined) return '';
  return typeof config === 'string' ? config : JSON.stringify(config);
}

/** Query values as strings, without the undefined ones. */
export function queryOf(values: Record<string, string | number | boolean | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}
