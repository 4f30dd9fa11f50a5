import { readFileSync } from 'node:fs';
import { JobserverClient, JobserverError, isTerminal, type JobEvent } from '@jobserver/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOlderServer } from '../../../test/support/older-server';
import { freePort } from '../../../test/support/processes';
import { EXAMPLE_BUNDLE, startTestServer, type TestServer } from '../../../test/support/server';

const app = { appName: 'test' };
const inContext = { ...app, context: 'sdk' };

describe('@jobserver/client against a real server', () => {
  let server: TestServer;
  let client: JobserverClient;

  beforeAll(async () => {
    server = await startTestServer();
    client = new JobserverClient({ url: server.url });
    await client.binaries.upload('test', readFileSync(EXAMPLE_BUNDLE));
    await client.contexts.create('sdk', { 'max-jobs-per-context': 4 });
  });
  afterAll(async () => server?.stop());

  it('uploads bundles and lists them, under /binaries and /jars', async () => {
    expect(await client.jars.upload('again', readFileSync(EXAMPLE_BUNDLE))).toEqual({ status: 'SUCCESS' });
    expect(Object.keys(await client.binaries.list()).sort()).toEqual(['again', 'test']);
    expect(await client.binaries.get('again')).toMatchObject({ 'app-name': 'again', 'binary-type': 'js', owner: null });
    expect(Object.keys(await client.jars.list()).sort()).toEqual(['again', 'test']);
    await client.binaries.delete('again');
    expect(Object.keys(await client.binaries.list())).toEqual(['test']);
  });

  it('starts, describes, lists and stops a context', async () => {
    await client.contexts.create('short-lived', { 'num-cpu-cores': 2, color: 'blue' });
    expect(await client.contexts.get('short-lived')).toMatchObject({ name: 'short-lived', state: 'RUNNING', adHoc: false });
    expect((await client.contexts.get('short-lived')).settings).toMatchObject({ color: 'blue' });
    expect((await client.contexts.list()).sort()).toEqual(['sdk', 'short-lived']);
    expect(await client.contexts.stop('short-lived', { force: true })).toEqual({ status: 'SUCCESS', result: 'Context stopped' });
  });

  it('takes, lists, restores and deletes a context snapshot', async () => {
    await client.submit({ ...inContext, classPath: 'NamedObjectsExample' }, { name: 'kept' }, { wait: true });
    const snapshot = await client.contexts.snapshot('sdk');
    expect(snapshot).toMatchObject({ context: 'sdk', objects: ['kept'], skipped: [] });
    expect((await client.contexts.snapshots('sdk')).map((s) => s.id)).toEqual([snapshot.id]);
    await client.contexts.create('sdk-copy', { snapshot: snapshot.id });
    const read = await client.submit({ ...app, context: 'sdk-copy', classPath: 'NamedObjectsExample' }, { name: 'kept' }, { wait: true });
    expect(read).toMatchObject({ status: 'OK', result: { names: ['kept'] } });
    await client.contexts.stop('sdk-copy');
    expect(await client.contexts.deleteSnapshot('sdk', snapshot.id)).toEqual({ status: 'SUCCESS' });
    expect(await client.contexts.snapshots('sdk')).toEqual([]);
  });

  it('submits async, sync and with wait: true; HOCON text and objects alike', async () => {
    const accepted = await client.submit({ ...inContext, classPath: 'WordCountExample' }, 'input.string = a b a');
    expect(accepted).toMatchObject({ status: 'STARTED', context: 'sdk', classPath: 'WordCountExample' });
    expect(await client.waitFor(accepted.result.jobId)).toMatchObject({ status: 'OK', result: { a: 2, b: 1 } });
    const outcome = await client.submit({ ...inContext, classPath: 'WordCountExample' }, { input: { string: 'x y x' } }, { wait: true });
    expect(outcome).toEqual({ status: 'OK', result: { x: 2, y: 1 }, jobId: expect.any(String) });
    expect(await client.jobs.config(outcome.jobId)).toEqual({ input: { string: 'x y x' } });
  });

  it('waits for a job that outlives the server-side timeout of a sync submit', async () => {
    const outcome = await client.submit(
      { ...inContext, classPath: 'LongRunningExample' },
      { durationMs: 1500 },
      { wait: true, timeoutSeconds: 0.2 },
    );
    expect(outcome).toMatchObject({ status: 'OK', result: { slices: expect.any(Number) } });
  });

  it("yields a job's progress, stages and log lines in order, ending with its terminal event", async () => {
    const { jobId } = await client.submit({ ...inContext, classPath: 'ProgressExample' }, { steps: 3, lines: 2 });
    const events: JobEvent[] = [];
    for await (const event of client.events(jobId)) events.push(event);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].type).toBe('queued');
    expect(events.filter((e) => e.type === 'stage').map((e) => (e as { name: string }).name)).toEqual(['count', 'log', 'done']);
    expect(events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message)).toEqual(['line 0', 'line 1']);
    const last = events.at(-1)!;
    expect(isTerminal(last) && last).toMatchObject({ type: 'finished', status: 'OK', result: { steps: 3, lines: 2 } });
    expect(await client.jobs.eventList(jobId, { after: events.length - 1 })).toEqual([last]);
    expect(await client.jobs.logs(jobId)).toMatchObject({ jobId, from: 0, total: 2 });
  });

  it('resumes a job stream by Last-Event-ID across a gateway restart, missing and repeating nothing', async () => {
    const patient = new JobserverClient({ url: server.url, retry: { attempts: 60, baseDelayMs: 100, maxDelayMs: 500 } });
    const { jobId } = await patient.submit({ ...inContext, classPath: 'ProgressExample' }, { steps: 30, lines: 0, stepMs: 150 });
    const seqs: number[] = [];
    let restarted = false;
    for await (const event of patient.events(jobId)) {
      seqs.push(event.seq);
      if (!restarted && event.type === 'progress') {
        restarted = true;
        await server.kill('gateway');
        await server.start('gateway');
      }
    }
    expect(restarted).toBe(true);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await patient.jobs.get(jobId)).status).toBe('OK');
  });

  it('throws one JobserverError class carrying the status and body of error answers', async () => {
    const unknownApp = await client.submit({ appName: 'nope', classPath: 'X' }).catch((e: unknown) => e);
    expect(unknownApp).toBeInstanceOf(JobserverError);
    expect(unknownApp).toMatchObject({ kind: 'http', status: 404, body: { status: 'ERROR', result: 'appName nope not found' } });
    expect((unknownApp as JobserverError).routeMissing).toBe(false);
    const invalid = (await client.submit({ ...inContext, classPath: 'WordCountExample' }, {}).catch((e: unknown) => e)) as JobserverError;
    expect(invalid.status).toBe(400);
    expect(invalid.label).toBe('VALIDATION FAILED');
    expect(invalid.result).toMatchObject({ message: 'No input.string config param', errorClass: 'ValidationFailed' });
    expect(invalid.message).toMatch(/^POST http:\/\/.*\/jobs\?.* answered 400: ValidationFailed: No input.string config param$/);
    await expect(client.jobs.get('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ status: 404 });
  });

  it('kills a job, and lists and counts jobs by status', async () => {
    const { jobId } = await client.submit({ ...inContext, classPath: 'LongRunningExample' }, { durationMs: 30_000 });
    expect(await client.jobs.kill(jobId)).toEqual({ status: 'KILLED' });
    expect(await client.waitFor(jobId)).toMatchObject({ status: 'KILLED', result: { errorClass: 'JobKilled' } });
    expect((await client.jobs.list({ status: 'KILLED' })).map((j) => j.jobId)).toEqual([jobId]);
    expect((await client.jobs.counts({ context: 'sdk' })).KILLED).toBe(1);
  });

  it('submits a batch, one job per config', async () => {
    const batch = await client.jobs.startBatch({ ...inContext, classPath: 'WordCountExample' }, [{ input: { string: 'a' } }, { input: { string: 'b b' } }]);
    const reports = await Promise.all(batch.jobIds.map((id) => client.waitFor(id)));
    expect(reports.map((r) => r.result)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('runs console statements to their end, completes names and cancels a statement when aborted', async () => {
    const first = await client.statements.execute('sdk', 'const answer = 40; answer + 2');
    expect(first).toMatchObject({ state: 'available', output: { status: 'ok', data: { 'application/json': 42 } } });
    expect(await client.statements.complete('sdk', 'ans')).toContain('answer');
    const controller = new AbortController();
    const endless = client.statements.execute('sdk', 'await new Promise((resolve) => signal.addEventListener("abort", resolve))', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 500);
    await expect(endless).rejects.toMatchObject({ kind: 'aborted' });
    const { statements } = await client.statements.list('sdk');
    const cancelled = statements.at(-1)!;
    const settled = await eventuallyEnded(client, cancelled.id);
    expect(settled.state).toBe('cancelled');
  });

  it('stores and lists data files that jobs read', async () => {
    const filename = await client.data.upload('words', new TextEncoder().encode('abc'));
    expect(await client.data.list()).toEqual([filename]);
    const outcome = await client.submit({ ...inContext, classPath: 'DataDigestExample' }, { filename }, { wait: true });
    expect(outcome.result).toMatchObject({ length: 3 });
    await client.data.delete(filename);
    expect(await client.data.reset()).toEqual({ status: 'SUCCESS', result: 'Data reset' });
  });

  it('answers health, the cluster status and metrics', async () => {
    expect(await client.server.health()).toEqual({ status: 'SUCCESS', ok: true });
    expect((await client.server.status()).processes.map((p) => p.role)).toEqual(expect.arrayContaining(['gateway', 'scheduler']));
    expect(await client.server.metrics()).toMatch(/^# HELP jobserver_/m);
  });

  it('streams the cluster firehose until its signal aborts', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of client.watch({ context: 'sdk', signal: controller.signal })) {
        if (event.type === 'job') seen.push(event.status);
        if (event.type === 'job' && event.status === 'FINISHED') controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.submit({ ...inContext, classPath: 'WordCountExample' }, { input: { string: 'a' } }, { wait: true });
    await watching;
    expect(seen).toContain('FINISHED');
  });

  it('says a server is unreachable, with its URL, after retrying idempotent calls', async () => {
    const port = await freePort();
    const nowhere = new JobserverClient({ url: `http://127.0.0.1:${port}`, retry: { attempts: 2, baseDelayMs: 10 } });
    const error = (await nowhere.contexts.list().catch((e: unknown) => e)) as JobserverError;
    expect(error).toMatchObject({ kind: 'unreachable', status: 0 });
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
  });

  it('tells a server without a route apart, and waits by polling on one without the events route', async () => {
    const older = await startOlderServer(server.url, (_method, path) => path.endsWith('/events'));
    try {
      const old = new JobserverClient({ url: older.url });
      const { jobId } = await old.submit({ ...inContext, classPath: 'WordCountExample' }, { input: { string: 'z' } });
      const stream = old.events(jobId);
      const error = (await stream.next().catch((e: unknown) => e)) as JobserverError;
      expect(error.routeMissing).toBe(true);
      expect(await old.waitFor(jobId)).toMatchObject({ status: 'OK', result: { z: 1 } });
    } finally {
      await older.close();
    }
  });
});

async function eventuallyEnded(client: JobserverClient, id: number) {
  for (let i = 0; i < 100; i++) {
    const statement = await client.statements.get('sdk', id);
    if (statement.state === 'cancelled' || statement.state === 'available') return statement;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`statement ${id} did not end`);
}
