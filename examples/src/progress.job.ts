import type { Job, JobContext } from '@jobserver/api';

interface ProgressConfig {
  /** How many `ctx.progress` calls (done of steps). @defaultValue 100 */
  steps?: number;
  /** How many log lines. @defaultValue 10 */
  lines?: number;
  /** Pause between steps, in ms (0: yield only now and then). @defaultValue 0 */
  stepMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

/** Reports its progress step by step, in three stages, logging `lines` lines on the way. */
export const ProgressExample: Job<ProgressConfig> = {
  async runJob(ctx: JobContext, config: ProgressConfig) {
    const steps = config.steps ?? 100;
    const lines = config.lines ?? 10;
    ctx.stage('count');
    for (let i = 1; i <= steps; i++) {
      ctx.progress({ done: i, total: steps, message: `step ${i}` });
      if (config.stepMs || i % 100 === 0) await pause(config.stepMs ?? 0);
    }
    ctx.stage('log');
    for (let i = 0; i < lines; i++) {
      ctx.log.info(`line ${i}`, { i });
      if (i % 10_000 === 0) await pause(0);
    }
    ctx.stage('done');
    return { steps, lines };
  },
};
