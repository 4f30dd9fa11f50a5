import { runJobForTest } from '@jobserver/api';
import { describe, expect, it } from 'vitest';
import { WordCountExample } from './word-count.job';

describe('WordCountExample', () => {
  it('counts the words of input.string', async () => {
    const outcome = await runJobForTest(WordCountExample, { input: { string: 'a b c a b see' } });
    expect(outcome).toEqual({ status: 'OK', result: { a: 2, b: 2, c: 1, see: 1 } });
  });

  it('fails validation without input.string', async () => {
    const outcome = await runJobForTest(WordCountExample, { bad: { input: "abc" } } as never);
    expect(outcome).toEqual({ status: 'VALIDATION FAILED', reason: 'No input.string config param' });
  });
});
