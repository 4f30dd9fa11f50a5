import { isTerminal, reportOf, type JobEvent, type JobReport } from '@jobserver/client';
import type { Command } from 'commander';
import { EXIT } from '../cli.error';
import { PATIENT_RETRY, type CommandContext } from '../command.context';
import { localTime, statusText } from '../output/format';
import { printTable } from '../output/table';
import type { Terminal } from '../output/terminal';
import { JobView } from '../run/job-view';
import { printOutcome } from '../run/outcome';
import { positiveNumber } from './options';

const STATUSES = ['QUEUED', 'RUNNING', 'FINISHED', 'ERROR', 'KILLED'];

export function registerJobCommands(program: Command, context: () => CommandContext): void {
  const jobs = program.command('jobs').description('jobs: ls, get, kill, logs');

  jobs
    .command('ls')
    .description('list jobs, newest first')
    .option('--status <status>', `only jobs of this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many (default 50)', positiveNumber('--limit'))
    .option('--app <name>', 'only jobs of this app')
    .option('--context <name>', 'only jobs run in this context')
    .option('--json', 'print GET /jobs as JSON')
    .action(async (options: { status?: string; limit?: number; app?: string; context?: string; json?: boolean }) => {
      const { terminal, interrupts } = context();
      const list = await (await context().client()).jobs.list(
        { status: options.status?.toUpperCase() as never, limit: options.limit, appName: options.app, context: options.context },
        { signal: interrupts.signal },
      );
      if (options.json) return terminal.json(list);
      const rows = list.map((job) => [job.jobId, statusText(terminal.colors, job.status), job.appName, job.classPath, job.context, localTime(job.startTime), job.duration]);
      printTable(terminal, ['JOB ID', 'STATUS', 'APP', 'CLASSPATH', 'CONTEXT', 'STARTED', 'DURATION'], rows, 'no jobs');
    });

  jobs
    .command('get')
    .description("a job's status, progress, stages and result")
    .argument('<jobId>')
    .option('--json', 'print GET /jobs/<id> as JSON')
    .action(async (jobId: string, options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const report = await (await context().client()).jobs.get(jobId, { signal: interrupts.signal });
      if (options.json) return terminal.json(report);
      printReport(terminal, report);
    });

  jobs
    .command('kill')
    .description('kill a queued or running job')
    .argument('<jobId>')
    .action(async (jobId: string) => {
      const { terminal, interrupts } = context();
      const restore = interrupts.onInterrupt(() => terminal.note('the kill is on its way; waiting for the answer…'));
      try {
        await (await context().client()).jobs.kill(jobId);
      } finally {
        restore();
      }
      terminal.line(`${terminal.colors.yellow('✖')} job ${terminal.colors.bold(jobId)} killed`);
      if (interrupts.interrupted) process.exitCode = EXIT.interrupted;
    });

  jobs
    .command('logs')
    .description("a job's log lines; -f follows them until the job ends")
    .argument('<jobId>')
    .option('-f, --follow', 'follow: print new lines as they come, until the job ends')
    .option('--size <n>', 'without -f: the last n lines (default 100)', positiveNumber('--size'))
    .option('--json', 'without -f: print GET /jobs/<id>/logs as JSON')
    .action(async (jobId: string, options: { follow?: boolean; size?: number; json?: boolean }) => {
      const { terminal, interrupts } = context();
      if (options.follow) return followLogs(context(), jobId);
      const logs = await (await context().client()).jobs.logs(jobId, { size: options.size }, { signal: interrupts.signal });
      if (options.json) return terminal.json(logs);
      for (const line of logs.log) terminal.line(line);
      if (logs.from > 0) terminal.note(`(${logs.from} earlier line(s) not shown)`);
    });
}

/** Prints every log event from the start, then new ones, until the job's end (Ctrl-C stops following). */
async function followLogs(context: CommandContext, jobId: string): Promise<void> {
  const { terminal, interrupts } = context;
  const client = await context.client(PATIENT_RETRY);
  const view = new JobView(terminal, { bar: false });
  let end: JobEvent | undefined;
  try {
    for await (const event of client.events(jobId, { signal: interrupts.signal })) {
      if (event.type === 'log') view.show(event);
      if (isTerminal(event)) end = event;
    }
  } catch (error) {
    if (interrupts.interrupted) return void (process.exitCode = EXIT.interrupted);
    throw error;
  }
  if (end) terminal.note(`job ${jobId} ended ${reportOf(end).status}`);
}

function printReport(terminal: Terminal, report: JobReport): void {
  const { colors } = terminal;
  terminal.line(`${colors.bold(report.jobId)}  ${statusText(colors, report.status)}`);
  terminal.line(`${report.appName} ${report.classPath} in ${report.context}, started ${localTime(report.startTime)}, ${report.duration}`);
  if (report.owner) terminal.line(`owner ${report.owner}`);
  if (report.progress && report.status !== 'OK' && report.status !== 'FINISHED') {
    const { fraction, message } = report.progress;
    terminal.line(`progress ${Math.round(fraction * 100)}%${message ? ` ${message}` : ''}`);
  }
  for (const stage of report.stages ?? []) terminal.line(`  stage ${stage.name}: ${stage.duration}`);
  if (report.callback) terminal.line(`callback ${report.callback.url}: ${report.callback.state} after ${report.callback.attempts} attempt(s)`);
  if (report.status !== 'QUEUED' && report.status !== 'RUNNING') printOutcome(terminal, report);
}
