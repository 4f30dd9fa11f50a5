/**
 * The job a spare's executor thread runs while it waits for a context, through the same path as
 * a bundle's job (dynamic `import()`, validate, run, result): a context's first job then finds
 * the thread's module loader started and its job path compiled (an ad-hoc job's only job paid
 * ~10 ms more without it). It is the worker's own code: no user code runs before a context
 * takes the thread, and this job touches nothing (no named objects, no logs, no data).
 */
export const WarmUp = {
  validate: () => true,
  runJob: () => 'warm',
};
