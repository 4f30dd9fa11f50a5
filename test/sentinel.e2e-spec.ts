import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from './support/client';
import { eventually, startTestServer, type TestServer } from './support/server';
import { sentinelInstalled, startSentinelSet, type SentinelSet } from './support/sentinel';

/** Jobs that record every run in their context, so that a job run twice would show. */
const RUN_RECORDING_BUNDLE = `
export const RecordRun = {
  async runJob(ctx, config) {
    const runs = await ctx.namedObjects.getOrElseCreate('runs', () => []);
    runs.push(ctx.jobId);
    await new Promise((resolve) => setTimeout(resolve, config.sleepMs));
    return { n: config.n, square: config.n * config.n };
  },
};
export const Runs = { runJob: async (ctx) => (await ctx.namedObjects.get('runs')) ?? [] };
`;

/** Submitting loops (half sync, half async). */
const LOOPS = 6;
/** How long the load runs before the master is killed, and after the first job accepted again. */
const BEFORE_KILL_MS = 3000;
const AFTER_RECOVERY_MS = 3000;
const TICK_MS = 100;
/** Load stops this long after the kill whatever happens. */
const GIVE_UP_MS = 60_000;

interface Attempt {
  n: number;
  sync: boolean;
  sentAt: number;
  answeredAt: number;
  status: number;
  body: { status?: string; jobId?: string; result?: { n?: number; square?: number } } | string;
  retryAfter: string | null;
}

describe.skipIf(!sentinelInstalled())('Redis Sentinel: the master is SIGKILLed under load', () => {
  let set: SentinelSet;
  let server: TestServer;
  let api: JobserverClient;
  let bundleDir: string;

  beforeAll(async () => {
    set = await startSentinelSet();
    server = await startTestServer({
      JOBSERVER_REDIS_SENTINELS: set.sentinels,
      JOBSERVER_REDIS_SENTINEL_NAME: set.masterName,
      JOBSERVER_SPARE_WORKERS: '0',
    });
    api = new JobserverClient(server.url);
    bundleDir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-bundle-'));
    writeFileSync(path.join(bundleDir, 'ha.mjs'), RUN_RECORDING_BUNDLE);
    await api.upload('ha', path.join(bundleDir, 'ha.mjs'));
    expect((await api.post('/contexts/ha?max-jobs-per-context=16')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
    await set?.stop();
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });

  it('runs every accepted job exactly once; requests in the gap get 503 with Retry-After; sync waits resume', async () => {
    const attempts: Attempt[] = [];
    let next = 0;
    let killedAt = Infinity;
    let stopAt = Infinity;

    const submit = async (n: number, sync: boolean): Promise<Attempt> => {
      const sentAt = Date.now();
      const params = {
        appName: 'ha',
        classPath: 'RecordRun',
        context: 'ha',
        ...(sync ? { sync: true, timeout: 120 } : {}),
      };
      const res = await api.submit(params, { n, sleepMs: 100 });
      return {
        n,
        sync,
        sentAt,
        answeredAt: Date.now(),
        status: res.status,
        body: res.body,
        retryAfter: res.headers.get('retry-after'),
      };
    };
    const loop = async (i: number) => {
      // Bounded even if nothing is accepted again (the assertions below then say so).
      while (Date.now() < stopAt && Date.now() < killedAt + GIVE_UP_MS) {
        const attempt = await submit(next++, i % 2 === 0);
        attempts.push(attempt);
        const accepted = attempt.status === 200 || attempt.status === 202;
        if (accepted && attempt.sentAt > killedAt && stopAt === Infinity)
          stopAt = Date.now() + AFTER_RECOVERY_MS;
        if (!accepted) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    /** Besides the loops (busy in requests that wait), a fresh request every TICK_MS, so that some arrive in the gap. */
    const ticks: Array<Promise<void>> = [];
    const ticker = setInterval(() => {
      if (Date.now() >= stopAt || Date.now() >= killedAt + GIVE_UP_MS) return;
      const n = next++;
      ticks.push(submit(n, n % 2 === 0).then((attempt) => void attempts.push(attempt)));
    }, TICK_MS);
    const load = Promise.all(Array.from({ length: LOOPS }, (_, i) => loop(i))).then(async () => {
      clearInterval(ticker);
      await Promise.all(ticks);
    });
    await new Promise((resolve) => setTimeout(resolve, BEFORE_KILL_MS));
    killedAt = Date.now();
    const oldMaster = await set.killMaster();
    const newMaster = await set.failedOver(oldMaster);
    const promotedAt = Date.now();
    await load;

    // Every answer is an acceptance or a 503 with Retry-After: never a 500, never a hang.
    const refused = attempts.filter((a) => a.status === 503);
    for (const a of attempts) expect([200, 202, 503], JSON.stringify(a)).toContain(a.status);
    for (const a of refused) {
      expect(a.retryAfter).toMatch(/^\d+$/);
      expect(a.body).toEqual({ status: 'ERROR', result: 'Redis unreachable, retry later' });
    }
    const accepted = attempts.filter((a) => a.status !== 503);
    for (const a of accepted.filter((x) => x.sync)) {
      expect(a.body, JSON.stringify(a)).toMatchObject({
        status: 'OK',
        result: { n: a.n, square: a.n * a.n },
      });
    }
    const acceptedIds = accepted.map((a) => (a.body as { jobId: string }).jobId);

    // Every accepted job ends FINISHED, in Postgres, the record.
    const rows = await eventually(async () => {
      const found = await server.query<{ id: string; status: string; error: unknown }>(
        `SELECT id, status, error FROM jobs WHERE id = ANY($1)`,
        [acceptedIds],
      );
      return found.length === acceptedIds.length &&
        found.every((r) => r.status !== 'QUEUED' && r.status !== 'RUNNING')
        ? found
        : undefined;
    }, 120_000);
    const notFinished = rows.filter((r) => r.status !== 'FINISHED');
    expect(notFinished, JSON.stringify(notFinished)).toEqual([]);

    // …and ran exactly once: the context's run record holds each accepted job once, nothing twice.
    const runs = await api.submit(
      { appName: 'ha', classPath: 'Runs', context: 'ha', sync: true },
      '',
    );
    expect(runs.status).toBe(200);
    const ran = runs.body.result as string[];
    const twice = ran.filter((id, i) => ran.indexOf(id) !== i);
    expect(twice).toEqual([]);
    expect(acceptedIds.filter((id) => !ran.includes(id))).toEqual([]);

    // Sync requests in flight at the kill were answered (above: OK with their result).
    const spanning = accepted.filter(
      (a) => a.sync && a.sentAt < killedAt && a.answeredAt > killedAt,
    );
    const firstAfter = Math.min(
      ...accepted.filter((a) => a.sentAt > killedAt).map((a) => a.answeredAt),
    );
    const longestSync = Math.max(
      ...accepted.filter((a) => a.sync).map((a) => a.answeredAt - a.sentAt),
    );
    const gap = {
      oldMaster,
      newMaster,
      attempts: attempts.length,
      accepted: accepted.length,
      refused503: refused.length,
      refusedAsync: refused.filter((a) => !a.sync).length,
      sentinelPromotedMs: promotedAt - killedAt,
      firstAcceptedAfterKillMs: firstAfter - killedAt,
      syncInFlightAtKill: spanning.length,
      longestSyncInFlightAtKillMs: Math.max(0, ...spanning.map((a) => a.answeredAt - a.sentAt)),
      longestSyncMs: longestSync,
      runsRecorded: ran.length,
    };
    console.log(`sentinel failover: ${JSON.stringify(gap)}`);
    expect(accepted.filter((a) => a.sentAt > killedAt).length).toBeGreaterThan(0);
  }, 300_000);
});
