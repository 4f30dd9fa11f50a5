import type { JobAccepted, JobOutcome } from '@jobserver/client';
import type { Command } from 'commander';
import { EXIT } from '../cli.error';
import { PATIENT_RETRY, type CommandContext } from '../command.context';
import { jobConfig } from '../run/job-config';
import { followAndReport } from '../run/job-follower';
import { exitCodeOf, printOutcome } from '../run/outcome';
import { collect, positiveNumber, wholeNumber } from './options';

interface RunOptions {
  context?: string;
  config?: string;
  conf: string[];
  sync?: boolean;
  detach?: boolean;
  timeout?: number;
  callbackUrl?: string;
  priority?: number;
  retries?: number;
  json?: boolean;
}

export function registerRunCommand(program: Command, context: () => CommandContext): void {
  program
    .command('run')
    .description('run a job: shows its progress, stage and logs until it ends, then its result (exit 0 finished, 1 error, 130 killed)')
    .argument('<app>', 'app name of an uploaded bundle')
    .argument('<classPath>', 'the job export (e.g. WordCountExample)')
    .option('--context <name>', 'run in this named context (default: a new ad-hoc one)')
    .option('--config <file>', 'job config, HOCON or JSON')
    .option('-c, --conf <key=value>', 'a config value over --config (HOCON value, e.g. input.string="a b a"); repeatable', collect, [])
    .option('--sync', "use the server's sync mode: one request answered at the job's end (no progress or logs)")
    .option('--detach', 'submit and print the job id, do not wait')
    .option('--timeout <seconds>', 'with --sync: how long the server waits before answering RUNNING', positiveNumber('--timeout'))
    .option('--callback-url <url>', 'the server POSTs the job end there')
    .option('--priority <0-100>', "within the context's queue, higher first (default 50)", wholeNumber('--priority', 0, 100))
    .option('--retries <0-10>', 'runs again if its executor or worker dies, or it throws a retryable error (default 0)', wholeNumber('--retries', 0, 10))
    .option('--json', 'print only the final report (with --detach: the submit answer) as JSON')
    .action(async (app: string, classPath: string, options: RunOptions) => {
      process.exitCode = await run(context(), app, classPath, options);
    });
}

async function run(context: CommandContext, appName: string, classPath: string, options: RunOptions): Promise<number> {
  const { terminal, interrupts } = context;
  const config = await jobConfig(options.config, options.conf);
  const client = await context.client(PATIENT_RETRY);
  const target = { appName, classPath, context: options.context, priority: options.priority, retries: options.retries };
  // Until the server answers, the job has no id to kill: Ctrl-C waits for the answer, then asks.
  const restore = interrupts.onInterrupt(() => terminal.note('waiting for the server to answer with the job id… (Ctrl-C again leaves it)'));
  let answer: JobAccepted | JobOutcome;
  try {
    answer = options.sync
      ? await client.jobs.run(target, config, { timeoutSeconds: options.timeout, callbackUrl: options.callbackUrl })
      : await client.jobs.start(target, config, { callbackUrl: options.callbackUrl });
  } finally {
    restore();
  }
  const jobId = 'jobId' in answer && answer.jobId ? answer.jobId : (answer as JobAccepted).result.jobId;
  if (answer.status === 'OK' || answer.status === 'ERROR' || answer.status === 'KILLED') {
    const report = { ...(await client.jobs.get(jobId)), result: answer.result };
    if (options.json) terminal.json(report);
    else printOutcome(terminal, report);
    return interrupts.interrupted ? EXIT.interrupted : exitCodeOf(answer.status);
  }
  if (options.detach) {
    if (options.json) terminal.json(answer);
    else terminal.line(jobId);
    return EXIT.ok;
  }
  if (!options.json) terminal.note(`job ${jobId} ${(answer as JobAccepted).status.toLowerCase()} in context ${(answer as JobAccepted).result.context}`);
  const followed = followAndReport(context, client, jobId, options.json === true);
  // A Ctrl-C that came while submitting gets its question now.
  if (interrupts.interrupted) {
    interrupts.reset();
    interrupts.interrupt();
  }
  return followed;
}
