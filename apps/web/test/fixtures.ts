/** A job that reports progress and a log line every `stepMs`, and stops when cancelled. */
export const SLOW_BUNDLE = `exports.Slow = { async runJob(ctx, c) {
  const steps = c.steps ?? 30;
  ctx.stage('work');
  for (let i = 1; i <= steps; i++) {
    if (ctx.signal.aborted) throw new Error('cancelled');
    ctx.progress({ done: i, total: steps, message: 'step ' + i });
    ctx.log.info('step ' + i);
    await new Promise((r) => setTimeout(r, c.stepMs ?? 200));
  }
  ctx.stage('wrap-up');
  return { steps };
} };\n`;

/**
 * JSON over fetch (apps/web imports nothing of apps/gateway, not even its test helpers), with an
 * `Authorization` header when given (auth on).
 */
export function rest(base: string, authorization?: string) {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${base}${path}`, { method, body, headers });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body = '') => call('POST', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}
export type Rest = ReturnType<typeof rest>;
