import type { Command } from 'commander';
import type { CommandContext } from '../command.context';
import { localTime } from '../output/format';
import { printTable } from '../output/table';

export function registerAppCommands(program: Command, context: () => CommandContext): void {
  program
    .command('apps')
    .description('list the uploaded apps (latest version of each)')
    .option('--json', 'print GET /binaries as JSON')
    .action(async (options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const binaries = await (await context().client()).binaries.list({ signal: interrupts.signal });
      if (options.json) return terminal.json(binaries);
      const rows = Object.entries(binaries)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([app, info]) => [app, info['binary-type'], localTime(info['upload-time'])]);
      printTable(terminal, ['APP', 'TYPE', 'UPLOADED'], rows, 'no apps uploaded');
    });
}
