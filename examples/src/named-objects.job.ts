import type { Job, JobContext } from '@jobserver/api';

interface NamedObjectsConfig {
  /** Name of the shared object. @defaultValue 'numbers' */
  name?: string;
  /** How long creating the object takes, in ms. @defaultValue 100 */
  createMs?: number;
}

/**
 * Keeps an expensive object warm in the context: the first job creates it (once, however many
 * jobs ask at the same time), later jobs reuse it. Returns how many times it was created.
 */
export const NamedObjectsExample: Job<NamedObjectsConfig> = {
  async runJob(ctx: JobContext, config: NamedObjectsConfig) {
    const name = config.name ?? 'numbers';
    const shared = await ctx.namedObjects.getOrElseCreate(name, async () => {
      await new Promise((resolve) => setTimeout(resolve, config.createMs ?? 100));
      const created = (globalThis as { __creations?: number }).__creations ?? 0;
      (globalThis as { __creations?: number }).__creations = created + 1;
      return { createdBy: ctx.jobId, values: Array.from({ length: 1000 }, (_, i) => i) };
    });
    return {
      createdBy: shared.createdBy,
      sum: shared.values.reduce((a, b) => a + b, 0),
      creations: (globalThis as { __creations?: number }).__creations,
      names: await ctx.namedObjects.getNames(),
    };
  },
};
