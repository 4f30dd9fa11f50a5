import { loadServerConfig } from '@jobserver/config';
import type { JobEventRepository, JobRecord, JobRepository, StoredJobEvent } from '@jobserver/persistence';
import { describe, expect, it } from 'vitest';
import { JobEventReader } from './job-event.reader';

/**
 * The reader's row and its detail rows are two reads: a detail write (which also records the
 * job's start) can commit between them. The repositories are fakes here, to hold that moment
 * still; the reads themselves are job-event.reader.int-spec.ts's.
 */
describe('JobEventReader between two writes', () => {
  const created = new Date('2026-12-02T05:00:00Z');
  const started = new Date('2026-12-02T05:00:01Z');
  const row = (fields: Partial<JobRecord>) => ({ id: 'job-1', status: 'QUEUED', createdAt: created, startTime: null, eventSeq: 1, ...fields }) as JobRecord;
  const detail = (seq: number): StoredJobEvent => ({ seq, time: started, type: 'progress', payload: { fraction: seq / 10 } });

  it("gives the running event of a job whose first details were written between the reads of its row and of its details", async () => {
    const rows = [row({}), row({ status: 'RUNNING', startTime: started, eventSeq: 4 })];
    const jobs = { byId: async () => rows.shift() ?? rows.at(-1) } as unknown as JobRepository;
    const events = { after: async () => [detail(3), detail(4)] } as unknown as JobEventRepository;
    const reader = new JobEventReader(await loadServerConfig({}), jobs, events);
    const page = await reader.page('job-1', 0, 100);
    expect(page.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'queued'],
      [2, 'running'],
      [3, 'progress'],
      [4, 'progress'],
    ]);
    expect(page.events[1]).toEqual({ seq: 2, time: started.toISOString(), type: 'running' });
  });

  it('takes only the start from the second read: a job that ended meanwhile is not ended early', async () => {
    const rows = [row({}), row({ status: 'FINISHED', startTime: started, eventSeq: 6, endTime: started, result: '1' })];
    const jobs = { byId: async () => rows.shift() ?? rows.at(-1) } as unknown as JobRepository;
    // Details 5 was written after the details read: the end must wait for the next page.
    const events = { after: async () => [detail(3), detail(4)] } as unknown as JobEventRepository;
    const reader = new JobEventReader(await loadServerConfig({}), jobs, events);
    const page = await reader.page('job-1', 1, 100);
    expect(page.events.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(page.last).toBe(false);
  });
});
