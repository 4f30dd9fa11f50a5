import type { ServerConfig } from '@jobserver/config';
import type { ContextRecord, JobEndingOf, JobLifecycle } from '@jobserver/persistence/core';
import type { ContextJobMessage } from '@jobserver/protocol';
import type { JobClaims } from '@jobserver/protocol/redis';
import { describe, expect, it } from 'vitest';
import type { BundleCacheService } from '../bundles/bundle-cache.service';
import type { ExecutorService } from '../context/executor.service';
import type { JobOutcome } from '../executor/executor.messages';
import { JobRunService } from './job-run.service';

/**
 * What JobRunService tells the lifecycle, and when: its executor, claims and Postgres are fakes
 * (the real ones are in the e2e tests), so that the order of the calls can be held still.
 */
describe('JobRunService', () => {
  const config = { progressRate: 5, logLineLimit: 1024, logLinesRetained: 100, validateTimeoutMs: 10_000, killGraceMs: 1000, maxErrorSize: 65_536 } as ServerConfig;
  const context = { id: 'ctx-1', name: 'c1', adHoc: false, settings: {} } as unknown as ContextRecord;

  /** A service whose job ends wait for `release()`; `calls` lists what reached the lifecycle. */
  const harness = (outcome: JobOutcome, { starts = true } = {}) => {
    const calls: string[] = [];
    let release!: () => void;
    const ended = new Promise<void>((resolve) => (release = resolve));
    const lifecycle = {
      announceRunning: (job: { jobId: string }) => void calls.push(`RUNNING ${job.jobId}`),
      running: async () => true,
      endMany: async (endings: readonly JobEndingOf[]) => {
        calls.push(...endings.map((e) => `end ${e.job.jobId}`));
        await ended;
        return endings.map(() => true);
      },
      record: async () => undefined,
    } as unknown as JobLifecycle;
    const executor = {
      run: async (_request: unknown, onStarted?: () => void) => {
        if (starts) onStarted?.();
        return outcome;
      },
      runningJobIds: () => [],
    };
    const executors = { executor, onReports: undefined } as unknown as ExecutorService;
    const bundles = { entryPath: async () => '/bundle/index.mjs' } as unknown as BundleCacheService;
    const claims = { take: async () => true, settle: async () => undefined } as unknown as JobClaims;
    const service = new JobRunService(config, lifecycle, bundles, executors, claims);
    service.attach(context);
    return { service, calls, release };
  };
  const message = (jobId: string, notifyStart: boolean): ContextJobMessage => ({ jobId, appName: 'app', bundleSha: 'a'.repeat(64), classPath: 'x.Y', config: '{}', notifyStart });
  const turns = async (n = 20) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  it("publishes an async job's RUNNING as its executor starts it, not after its end is written (the POST waits for it)", async () => {
    const { service, calls, release } = harness({ kind: 'finished', result: '1' });
    const running = service.run(message('j1', true));
    await turns();
    // The end's write is held: the RUNNING that answers the POST went out before it.
    expect(calls).toEqual(['RUNNING j1', 'end j1']);
    release();
    await running;
  });

  it('publishes no RUNNING for a sync job (its answer is its end)', async () => {
    const { service, calls, release } = harness({ kind: 'finished', result: '1' });
    release();
    await service.run(message('j2', false));
    expect(calls).toEqual(['end j2']);
  });

  it('publishes no RUNNING for a job that never started in the executor', async () => {
    const { service, calls, release } = harness({ kind: 'class-not-found' }, { starts: false });
    release();
    await service.run(message('j3', true));
    expect(calls).toEqual(['end j3']);
  });
});
