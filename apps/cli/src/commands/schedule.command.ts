import type { Command } from 'commander';
import type { NewSchedule, Schedule } from '@jobserver/client';
import { usageError } from '../cli.error';
import type { CommandContext } from '../command.context';
import { localTime, statusText } from '../output/format';
import { printTable } from '../output/table';
import { jobConfig } from '../run/job-config';
import { collect, wholeNumber } from './options';

interface CreateOptions {
  context?: string;
  cron?: string;
  every?: string;
  timezone?: string;
  config?: string;
  conf: string[];
  priority?: number;
  retries?: number;
  missed?: string;
  json?: boolean;
}

export function registerScheduleCommands(program: Command, context: () => CommandContext): void {
  const schedules = program.command('schedules').description('jobs run on a cron or every period: ls, get, create, rm, pause, resume');

  schedules
    .command('ls')
    .description('list the schedules with their next and last tick')
    .option('--json', 'print GET /schedules as JSON')
    .action(async (options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const list = await (await context().client()).schedules.list({ signal: interrupts.signal });
      if (options.json) return terminal.json(list);
      const rows = list.map((s) => [s.name, whenText(s), `${s.appName} ${s.classPath}`, s.context ?? 'ad hoc', s.paused ? 'paused' : localTime(s.nextRunAt), localTime(s.lastRunAt)]);
      printTable(terminal, ['NAME', 'WHEN', 'JOB', 'CONTEXT', 'NEXT', 'LAST'], rows, 'no schedules');
    });

  schedules
    .command('get')
    .description('a schedule and its last jobs')
    .argument('<name>')
    .option('--json', 'print GET /schedules/<name> as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const s = await (await context().client()).schedules.get(name, { signal: interrupts.signal });
      if (options.json) return terminal.json(s);
      terminal.line(`${terminal.colors.bold(s.name)}  ${whenText(s)}${s.paused ? '  (paused)' : ''}`);
      terminal.line(`runs ${s.appName} ${s.classPath} in ${s.context ?? 'an ad-hoc context'}, priority ${s.priority}, missed ticks: ${s.missed}`);
      terminal.line(`next ${s.paused ? '-' : localTime(s.nextRunAt)}, last ${localTime(s.lastRunAt)}`);
      const rows = (s.lastJobs ?? []).map((run) => [localTime(run.tick), run.jobId ?? '-', run.status ? statusText(terminal.colors, run.status) : '', run.error ?? '']);
      printTable(terminal, ['TICK', 'JOB', 'STATUS', 'ERROR'], rows, 'no ticks yet');
    });

  schedules
    .command('create')
    .description('create a schedule of a job (give --cron or --every)')
    .argument('<name>')
    .argument('<app>', 'app name of an uploaded bundle')
    .argument('<classPath>', 'the job export')
    .option('--cron <fields>', 'five fields: minute hour day-of-month month day-of-week, e.g. "*/5 * * * *"')
    .option('--every <duration>', 'a period such as 30s, 5m, 2h')
    .option('--timezone <zone>', "the cron's IANA time zone (default UTC)")
    .option('--context <name>', 'run in this named context (default: a new ad-hoc one per job)')
    .option('--config <file>', 'job config, HOCON or JSON')
    .option('-c, --conf <key=value>', 'a config value over --config (HOCON value); repeatable', collect, [])
    .option('--priority <0-100>', "each job's priority (default 50)", wholeNumber('--priority', 0, 100))
    .option('--retries <0-10>', "each job's re-runs after its executor or worker died (default 0)", wholeNumber('--retries', 0, 10))
    .option('--missed <policy>', 'ticks missed while no scheduler ran: once (default) or skip')
    .option('--json', 'print the created schedule as JSON')
    .action(async (name: string, appName: string, classPath: string, options: CreateOptions) => {
      const { terminal, interrupts } = context();
      if ((options.cron === undefined) === (options.every === undefined)) throw usageError('give one of --cron and --every');
      if (options.missed !== undefined && options.missed !== 'once' && options.missed !== 'skip') throw usageError('--missed takes once or skip');
      const body: NewSchedule = {
        appName,
        classPath,
        context: options.context,
        cron: options.cron,
        every: options.every,
        timezone: options.timezone,
        config: await jobConfig(options.config, options.conf),
        priority: options.priority,
        retries: options.retries,
        missed: options.missed as NewSchedule['missed'],
      };
      const created = await (await context().client()).schedules.create(name, body, { signal: interrupts.signal });
      if (options.json) return terminal.json(created);
      terminal.line(`${terminal.colors.green('✔')} schedule ${terminal.colors.bold(name)} created, first run ${localTime(created.nextRunAt)}`);
    });

  schedules
    .command('rm')
    .description('delete a schedule (its jobs stay)')
    .argument('<name>')
    .action(async (name: string) => {
      const { terminal, interrupts } = context();
      await (await context().client()).schedules.delete(name, { signal: interrupts.signal });
      terminal.line(`${terminal.colors.green('✔')} schedule ${terminal.colors.bold(name)} deleted`);
    });

  for (const [verb, description] of [
    ['pause', 'stop running a schedule until resumed'],
    ['resume', 'run a paused schedule again from now on'],
  ] as const) {
    schedules
      .command(verb)
      .description(description)
      .argument('<name>')
      .action(async (name: string) => {
        const { terminal, interrupts } = context();
        const s = await (await context().client()).schedules[verb](name, { signal: interrupts.signal });
        terminal.line(`${terminal.colors.green('✔')} schedule ${terminal.colors.bold(name)} ${s.paused ? 'paused' : `resumed, next run ${localTime(s.nextRunAt)}`}`);
      });
  }
}

function whenText(s: Schedule): string {
  return s.cron ? `cron ${s.cron}${s.timezone && s.timezone !== 'UTC' ? ` (${s.timezone})` : ''}` : `every ${s.every}`;
}
