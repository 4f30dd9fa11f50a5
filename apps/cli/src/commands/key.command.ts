import type { Command } from 'commander';
import { EXIT } from '../cli.error';
import type { CommandContext } from '../command.context';
import { localTime } from '../output/format';
import { printTable } from '../output/table';

export function registerKeyCommands(program: Command, context: () => CommandContext): void {
  const keys = program.command('keys').description('API keys (the server must have auth on; permission auth:admin): create, ls, rm');

  keys
    .command('create')
    .description('create an API key; its secret is printed once')
    .argument('<name>')
    .requiredOption('-p, --permissions <list>', 'comma-separated permissions, e.g. jobs,binaries:read')
    .option('--expires <when>', 'an ISO-8601 time or a duration like 30d (default: never)')
    .option('--json', 'print the key (with its secret) as JSON')
    .action(async (name: string, options: { permissions: string; expires?: string; json?: boolean }) => {
      const { terminal, interrupts } = context();
      const permissions = options.permissions.split(',').map((p) => p.trim()).filter(Boolean);
      // A key created while Ctrl-C is pressed is still printed: its secret is shown only once.
      const restore = interrupts.onInterrupt(() => terminal.note('the key is being created; waiting for its secret…'));
      let key;
      try {
        key = await (await context().client()).keys.create({ name, permissions, expires: options.expires });
      } finally {
        restore();
      }
      if (options.json) terminal.json(key);
      else {
        terminal.line(key.key);
        terminal.note(`API key ${key.id} (${key.name}: ${key.permissions.join(', ')}${key.expires ? `, expires ${localTime(key.expires)}` : ''}); the secret above is shown only now`);
      }
      if (interrupts.interrupted) process.exitCode = EXIT.interrupted;
    });

  keys
    .command('ls')
    .description('list the API keys (without secrets)')
    .option('--json', 'print GET /auth/keys as JSON')
    .action(async (options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const list = await (await context().client()).keys.list({ signal: interrupts.signal });
      if (options.json) return terminal.json(list);
      const rows = list.map((key) => [
        key.id,
        key.name,
        key.permissions.join(','),
        key.owner ?? '',
        localTime(key.created),
        key.revoked ? `revoked ${localTime(key.revoked)}` : key.expires ? `expires ${localTime(key.expires)}` : '',
      ]);
      printTable(terminal, ['ID', 'NAME', 'PERMISSIONS', 'OWNER', 'CREATED', 'STATE'], rows, 'no API keys');
    });

  keys
    .command('rm')
    .description('revoke an API key on every gateway')
    .argument('<id>')
    .action(async (id: string) => {
      const { terminal, interrupts } = context();
      const restore = interrupts.onInterrupt(() => terminal.note('the revocation is on its way; waiting for the answer…'));
      try {
        await (await context().client()).keys.revoke(id);
      } finally {
        restore();
      }
      terminal.line(`${terminal.colors.green('✔')} API key ${id} revoked`);
      if (interrupts.interrupted) process.exitCode = EXIT.interrupted;
    });
}
