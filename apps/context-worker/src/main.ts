import { CONFIG_STDIN_FLAG, readAssignmentFromStdin, readSettingsFromStdin, SPARE_FLAG, SUPERVISED_FLAG } from './process/worker-entry.flags';

/**
 * A context worker. Started by the local launcher (or a pool supervisor) with `--config-stdin`, it
 * reads its settings, secrets included, from stdin before anything else: its environment holds
 * none. Started by an orchestrator without JOBSERVER_CONTEXT_ID (pool mode, secrets in the env),
 * it becomes a thin supervisor of a re-executed worker with a clean env. Started with
 * JOBSERVER_CONTEXT_ID in the env, it runs on that env as it is.
 * The worker's code is loaded only where it runs (a supervisor stays small and quick to start).
 */
async function main(): Promise<number> {
  if (process.argv.includes(CONFIG_STDIN_FLAG)) {
    const settings = await readSettingsFromStdin();
    // A spare listens for its assignment from the start: stdin ending first, at any moment of its
    // boot, means its scheduler is gone (or retires it), and it ends at once (it hosts nothing).
    const assignment = process.argv.includes(SPARE_FLAG) ? readAssignmentFromStdin() : undefined;
    const { exitWhenStdinCloses, exitNow, runWorker } = await import('./worker.bootstrap.js');
    void assignment?.then((assigned) => assigned ?? exitNow(), exitNow);
    if (process.argv.includes(SUPERVISED_FLAG)) exitWhenStdinCloses();
    await runWorker(settings, { assignment });
    return 0;
  }
  if (!process.env.JOBSERVER_CONTEXT_ID) {
    const { superviseWorker } = await import('./process/worker.supervisor.js');
    return superviseWorker(__filename);
  }
  const { runWorker } = await import('./worker.bootstrap.js');
  await runWorker(process.env);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
