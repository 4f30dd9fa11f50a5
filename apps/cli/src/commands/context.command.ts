import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { EXIT, usageError } from '../cli.error';
import type { CommandContext } from '../command.context';
import { localTime, statusText } from '../output/format';
import { printTable } from '../output/table';
import { collect, keyValue } from './options';

export function registerContextCommands(program: Command, context: () => CommandContext): void {
  const contexts = program.command('contexts').description('named contexts: ls, get, create, rm, snapshot, snapshots');

  contexts
    .command('ls')
    .description('list the live contexts')
    .option('--json', 'print the names as JSON')
    .action(async (options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const client = await context().client();
      const names = await client.contexts.list({ signal: interrupts.signal });
      if (options.json) return terminal.json(names);
      const infos = await Promise.all(names.map((name) => client.contexts.get(name, { signal: interrupts.signal }).catch(() => undefined)));
      const rows = names.map((name, i) => {
        const info = infos[i];
        return [name, info ? statusText(terminal.colors, info.state) : '?', String(info?.runningJobs ?? ''), info?.adHoc ? 'ad hoc' : '', localTime(info?.startTime)];
      });
      printTable(terminal, ['NAME', 'STATE', 'RUNNING', 'KIND', 'STARTED'], rows, 'no live contexts');
    });

  contexts
    .command('get')
    .description("a context's state, settings and running jobs")
    .argument('<name>')
    .option('--json', 'print GET /contexts/<name> as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const info = await (await context().client()).contexts.get(name, { signal: interrupts.signal });
      if (options.json) return terminal.json(info);
      terminal.line(`${terminal.colors.bold(info.name)}  ${statusText(terminal.colors, info.state)}${info.adHoc ? '  (ad hoc)' : ''}`);
      terminal.line(`started ${localTime(info.startTime)}, ${info.runningJobs} job(s) running${info.owner ? `, owner ${info.owner}` : ''}`);
      for (const [key, value] of Object.entries(info.settings)) terminal.line(`  ${key} = ${JSON.stringify(value)}`);
    });

  contexts
    .command('create')
    .description('start a named context; returns once it is RUNNING')
    .argument('<name>')
    .option('-s, --set <key=value>', 'a context setting (num-cpu-cores, mem-per-node, max-jobs-per-context, …); repeatable', collect, [])
    .option('--config <file>', 'HOCON/JSON body, e.g. with a context-settings { … } block')
    .action(async (name: string, options: { set: string[]; config?: string }) => {
      const { terminal, interrupts } = context();
      const settings = Object.fromEntries(options.set.map((pair) => keyValue(pair, '--set')));
      const config = options.config === undefined ? undefined : await readFile(options.config, 'utf8').catch((error: Error) => {
        throw usageError(`cannot read ${options.config}: ${error.message}`);
      });
      const client = await context().client();
      // Ctrl-C while it starts stops it again: no context is left behind half-wanted.
      const restore = interrupts.onInterrupt(() => {
        terminal.note(`interrupted: stopping context ${name}, which was starting…`);
        void client.contexts.stop(name).catch(() => undefined);
      });
      try {
        await client.contexts.create(name, settings, { config });
      } catch (error) {
        if (interrupts.interrupted) return void (process.exitCode = EXIT.interrupted);
        throw error;
      } finally {
        restore();
      }
      if (interrupts.interrupted) {
        await client.contexts.stop(name).catch(() => undefined);
        terminal.note(`context ${name} stopped`);
        return void (process.exitCode = EXIT.interrupted);
      }
      terminal.line(`${terminal.colors.green('✔')} context ${terminal.colors.bold(name)} is running`);
    });

  contexts
    .command('rm')
    .description('stop a context (its running and queued jobs end KILLED)')
    .argument('<name>')
    .option('-f, --force', 'cut running jobs off at once instead of giving them kill-grace')
    .action(async (name: string, options: { force?: boolean }) => {
      const { terminal, interrupts } = context();
      const client = await context().client();
      const restore = interrupts.onInterrupt(() => terminal.note(`stopping ${name} goes on; waiting for the answer…`));
      try {
        await client.contexts.stop(name, { force: options.force });
      } finally {
        restore();
      }
      terminal.line(`${terminal.colors.green('✔')} context ${terminal.colors.bold(name)} stopped`);
      if (interrupts.interrupted) process.exitCode = EXIT.interrupted;
    });

  contexts
    .command('snapshot')
    .description("store the context's cloneable named objects (restore: contexts create <new> -s snapshot=<id>)")
    .argument('<name>')
    .option('--json', 'print the stored snapshot as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const snapshot = await (await context().client()).contexts.snapshot(name, { signal: interrupts.signal });
      if (options.json) return terminal.json(snapshot);
      terminal.line(`${terminal.colors.green('✔')} snapshot ${snapshot.id} of ${name}: ${snapshot.objects.length} object(s), ${snapshot.bytes} bytes`);
      for (const { name: object, reason } of snapshot.skipped) terminal.note(`skipped ${object}: ${reason}`);
    });

  contexts
    .command('snapshots')
    .description('the snapshots of a context name, newest first')
    .argument('<name>')
    .option('--json', 'print GET /contexts/<name>/snapshots as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const snapshots = await (await context().client()).contexts.snapshots(name, { signal: interrupts.signal });
      if (options.json) return terminal.json(snapshots);
      const rows = snapshots.map((s) => [s.id, localTime(s.createdAt), s.objects.join(','), String(s.skipped.length), String(s.bytes)]);
      printTable(terminal, ['ID', 'CREATED', 'OBJECTS', 'SKIPPED', 'BYTES'], rows, `no snapshots of ${name}`);
    });
}
