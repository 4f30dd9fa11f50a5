import { readFileSync } from 'node:fs';
import { EXAMPLE_BUNDLE, eventually } from './server';

/** A parsed JSON body, loosely typed: tests assert on its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** An HTTP answer: status, parsed JSON body (or text) and headers. */
export interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

const TERMINAL = ['OK', 'FINISHED', 'ERROR', 'KILLED'];

/**
 * A thin REST client for e2e tests (plain `fetch`: bodies go out as given, like curl).
 * Job configs may be objects (sent as JSON) or HOCON text.
 */
export class JobserverClient {
  constructor(readonly url: string) {}

  async request<T = Json>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const text =
      body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: text === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
      body: text,
    });
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = Json>(path: string): Promise<Answer<T>> {
    return this.request<T>('GET', path);
  }

  post<T = Json>(path: string, body?: unknown): Promise<Answer<T>> {
    return this.request<T>('POST', path, body ?? '');
  }

  delete<T = Json>(path: string): Promise<Answer<T>> {
    return this.request<T>('DELETE', path);
  }

  /** Uploads the example bundle (or `file`) as `app`. */
  async upload(app: string, file = EXAMPLE_BUNDLE): Promise<void> {
    const res = await fetch(`${this.url}/binaries/${app}`, {
      method: 'POST',
      body: readFileSync(file),
    });
    if (res.status !== 201)
      throw new Error(`upload of ${app} answered ${res.status}: ${await res.text()}`);
  }

  /** `POST /jobs` with the given query params (values stringified) and config. */
  submit(params: Record<string, string | number | boolean>, config: unknown = ''): Promise<Answer> {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return this.post(`/jobs?${query}`, config);
  }

  /** Polls `GET /jobs/<id>` until its status is one of `statuses` (default: ended). */
  waitForJob(jobId: string, statuses = TERMINAL, timeoutMs = 30_000): Promise<Json> {
    return eventually(async () => {
      const { body } = await this.get(`/jobs/${jobId}`);
      return statuses.includes(body.status) ? body : undefined;
    }, timeoutMs);
  }

  /** Live context names. */
  async contextNames(): Promise<string[]> {
    return (await this.get<string[]>('/contexts')).body;
  }
}

/** Whether a process is gone (a zombie no one reaped counts as gone). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The parent pid of a live process (from /proc), or undefined once it is gone. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
