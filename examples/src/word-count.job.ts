import { invalid, valid, type Job, type JobContext } from '@jobserver/api';

interface WordCountConfig {
  input?: { string?: unknown };
}

/** The seed's example: counts the words of `input.string`. */
export class WordCountExample implements Job<WordCountConfig, Record<string, number>> {
  validate(_ctx: JobContext, config: WordCountConfig) {
    return typeof config.input?.string === 'string' ? valid() : invalid('No input.string config param');
  }

  runJob(_ctx: JobContext, config: WordCountConfig): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const word of String(config.input?.string).split(/\s+/)) {
      if (word) counts[word] = (counts[word] ?? 0) + 1;
    }
    return counts;
  }
}
