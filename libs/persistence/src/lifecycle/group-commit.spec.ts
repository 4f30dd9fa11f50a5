import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

/** A batch operation whose calls are answered by hand: `open` resolves the oldest batch. */
function manualBatches() {
  const batches: Array<{ items: readonly number[]; open: () => void; fail: (e: Error) => void }> = [];
  const run = (items: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push({ items, open: () => resolve(items.map((i) => i * 10)), fail: reject });
    });
  return { batches, run };
}

describe('GroupCommit', () => {
  it('runs a lone call at once, alone', async () => {
    const { batches, run } = manualBatches();
    const commit = new GroupCommit(run, { lanes: 1, maxBatch: 10 });
    const answer = commit.run(1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    batches[0]!.open();
    expect(await answer).toBe(10);
  });

  it('gathers the calls that arrive while every lane is busy into the next batch', async () => {
    const { batches, run } = manualBatches();
    const commit = new GroupCommit(run, { lanes: 2, maxBatch: 10 });
    const answers = [1, 2, 3, 4, 5].map((i) => commit.run(i));
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0]!.open();
    await Promise.resolve();
    await Promise.resolve();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4, 5]]);
    batches[1]!.open();
    batches[2]!.open();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
  });

  it('takes at most maxBatch calls into a batch', async () => {
    const { batches, run } = manualBatches();
    const commit = new GroupCommit(run, { lanes: 1, maxBatch: 2 });
    const answers = [1, 2, 3, 4, 5, 6].map((i) => commit.run(i));
    for (let n = 0; n < 4; n++) {
      batches[n]!.open();
      await new Promise((r) => setImmediate(r));
    }
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3], [4, 5], [6]]);
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('runs the calls of a failed batch one by one, so that only the faulty one fails', async () => {
    const seen: Array<readonly number[]> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<number, number>(
      async (items) => {
        seen.push(items);
        if (items[0] === 1) await gate;
        if (items.includes(3)) throw new Error('3 is bad');
        return items.map((i) => i * 10);
      },
      { lanes: 1, maxBatch: 10 },
    );
    const answers = [1, 2, 3, 4].map((i) => commit.run(i).catch((e: Error) => e.message));
    release();
    expect(await Promise.all(answers)).toEqual([10, 20, '3 is bad', 40]);
    expect(seen).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('fails every call of a failed batch when retryAlone says no', async () => {
    const seen: Array<readonly number[]> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const outage = new Error('down');
    const commit = new GroupCommit<number, number>(
      async (items) => {
        seen.push(items);
        if (items[0] === 1) await gate;
        throw outage;
      },
      { lanes: 1, maxBatch: 10, retryAlone: (error) => error !== outage },
    );
    const answers = [1, 2, 3].map((i) => commit.run(i).catch((e: Error) => e.message));
    release();
    expect(await Promise.all(answers)).toEqual(['down', 'down', 'down']);
    expect(seen).toEqual([[1], [2, 3]]);
  });
});
