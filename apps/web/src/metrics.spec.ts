import { describe, expect, it } from 'vitest';
import { memoryByContext, samples } from './metrics';

const TEXT = `# HELP jobserver_context_memory_bytes Live contexts' worker RSS and executor thread heap in use
# TYPE jobserver_context_memory_bytes gauge
jobserver_context_memory_bytes{context="ctx-a",kind="rss"} 73400320
jobserver_context_memory_bytes{context="ctx-a",kind="heap"} 5242880
jobserver_context_memory_bytes{context="we\\"ird\\\\name",kind="rss"} 1024
jobserver_context_memory_bytes_other{context="ctx-a",kind="rss"} 1
jobserver_jobs{status="QUEUED"} 2
jobserver_jobs{status="RUNNING"} 1
`;

describe('memoryByContext', () => {
  it('reads rss and heap per context from the metrics text, label escapes undone', () => {
    expect(memoryByContext(TEXT)).toEqual({
      'ctx-a': { rss: 73400320, heap: 5242880 },
      'we"ird\\name': { rss: 1024 },
    });
  });

  it('is empty without the family', () => {
    expect(memoryByContext('jobserver_jobs{status="QUEUED"} 0\n')).toEqual({});
  });
});

describe('samples', () => {
  it('reads one family only, not families that share its prefix', () => {
    expect(samples(TEXT, 'jobserver_jobs')).toEqual([
      { labels: { status: 'QUEUED' }, value: 2 },
      { labels: { status: 'RUNNING' }, value: 1 },
    ]);
  });
});
