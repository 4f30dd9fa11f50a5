import { Logger } from '@nestjs/common';
import type { JobEvent, ServerEvent } from '@jobserver/protocol';
import type { EventBus } from '@jobserver/protocol/redis';
import { describe, expect, it } from 'vitest';
import { EventHub } from './event-hub.service';
import type { EventFacts, JobFacts } from './event-facts.service';
import { FirehoseStream, type FirehoseFilter } from './firehose.stream';
import type { SseSink } from './sse-sink';

/** Rows the facts "read": job facts and context owners, each answered after a macrotask. */
class SlowFacts {
  reads = 0;
  constructor(
    private readonly jobs: Record<string, JobFacts>,
    private readonly contextOwners: Record<string, string> = {},
  ) {}
  knownApp = () => undefined;
  job = async (jobId: string): Promise<JobFacts> => {
    this.reads++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return this.jobs[jobId] ?? { owner: null, appName: null, classPath: null };
  };
  contextOwner = async (contextId: string) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return this.contextOwners[contextId] ?? null;
  };
}

function setUp(filter: FirehoseFilter, facts: SlowFacts) {
  let publish!: (event: ServerEvent) => void;
  const bus = { onEvent: (listener: typeof publish) => ((publish = listener), () => undefined), onDetail: () => () => undefined, hearQueued: async () => undefined };
  const hub = new EventHub(bus as unknown as EventBus);
  const sent: Array<[string, unknown]> = [];
  const frame = (text: string) => {
    const [, type, json] = /^event: (\w+)\ndata: (.*)\n\n$/.exec(text)!;
    sent.push([type!, JSON.parse(json!)]);
  };
  const sink = { frame, comment: () => undefined, onClose: () => undefined };
  new FirehoseStream(filter, sink as unknown as SseSink, facts as unknown as EventFacts, new Logger('test')).start(hub, 60_000);
  const job = (jobId: string, status: JobEvent['status'], fields: Partial<JobEvent> = {}) =>
    publish({ kind: 'job', jobId, context: 'c', status, ...fields });
  return { sent, job, publish: (event: ServerEvent) => publish(event) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('FirehoseStream', () => {
  it('keeps the order of events when one waits for a lookup (an event without its app)', async () => {
    const facts = new SlowFacts({ j1: { owner: null, appName: 'a', classPath: 'A' } });
    const { sent, job } = setUp({}, facts);
    job('j1', 'RUNNING');
    job('j2', 'FINISHED', { appName: 'b', classPath: 'B' });
    await settle();
    expect(sent).toEqual([
      ['job', { jobId: 'j1', status: 'RUNNING', context: 'c', appName: 'a', classPath: 'A' }],
      ['job', { jobId: 'j2', status: 'FINISHED', context: 'c', appName: 'b', classPath: 'B' }],
    ]);
    expect(facts.reads).toBe(1);
  });

  it('filters by context and app; an app filter drops context events', async () => {
    const { sent, job, publish } = setUp({ appName: 'a', context: 'c' }, new SlowFacts({}));
    job('j1', 'QUEUED', { appName: 'a', classPath: 'A' });
    job('j2', 'QUEUED', { appName: 'b', classPath: 'B' });
    job('j3', 'QUEUED', { appName: 'a', classPath: 'A', context: 'other' });
    publish({ kind: 'context', context: 'c', contextId: 'id', state: 'RUNNING' });
    await settle();
    expect(sent.map(([, data]) => (data as { jobId: string }).jobId)).toEqual(['j1']);
  });

  it("shows an isolated principal only its own jobs and contexts", async () => {
    const facts = new SlowFacts(
      { mine: { owner: 'alice', appName: 'a', classPath: 'A' }, theirs: { owner: 'bob', appName: 'a', classPath: 'A' } },
      { 'ctx-a': 'alice', 'ctx-b': 'bob' },
    );
    const { sent, job, publish } = setUp({ owner: 'alice' }, facts);
    job('theirs', 'QUEUED', { appName: 'a', classPath: 'A' });
    job('mine', 'QUEUED', { appName: 'a', classPath: 'A' });
    publish({ kind: 'context', context: 'b', contextId: 'ctx-b', state: 'RUNNING' });
    publish({ kind: 'context', context: 'a', contextId: 'ctx-a', state: 'RUNNING' });
    await settle();
    expect(sent).toEqual([
      ['job', { jobId: 'mine', status: 'QUEUED', context: 'c', appName: 'a', classPath: 'A' }],
      ['context', { name: 'a', state: 'RUNNING' }],
    ]);
  });
});
