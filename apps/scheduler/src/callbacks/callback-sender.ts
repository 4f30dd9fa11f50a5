/** What one attempt got: the HTTP status, or null and why when no answer came. */
export interface CallbackAnswer {
  status: number | null;
  /** Why there was no status: the network error, or the timeout. */
  failure?: string;
}

/**
 * POSTs one callback with node's fetch. Redirects are not followed (a 3xx is an answer that is
 * not a 2xx); the answer's body is not read, only cancelled, so a receiver cannot make the
 * scheduler hold or parse anything. `timeoutMs` bounds the whole exchange up to the headers.
 */
export async function sendCallback(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<CallbackAnswer> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError')
      return { status: null, failure: `no answer within callback-timeout (${timeoutMs} ms)` };
    return { status: null, failure: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}
