import type { Job, JobContext } from '@jobserver/api';

interface LongRunningConfig {
  /** How long to run. @defaultValue 10000 */
  durationMs?: number;
  /** Keep running when cancelled (to show forced stops). @defaultValue false */
  ignoreSignal?: boolean;
}

/** Works in slices until `durationMs` passed, stopping early when its signal aborts. */
export const LongRunningExample: Job<LongRunningConfig> = {
  async runJob(ctx: JobContext, config: LongRunningConfig) {
    const until = Date.now() + (config.durationMs ?? 10_000);
    let slices = 0;
    while (Date.now() < until) {
      if (ctx.signal.aborted && !config.ignoreSignal) throw ctx.signal.reason ?? new Error('aborted');
      await new Promise((resolve) => setTimeout(resolve, 20));
      slices += 1;
    }
    ctx.log.info('long-running job done', { slices });
    return { slices };
  },
};
