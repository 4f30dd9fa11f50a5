import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../command.context';
import { ConsoleSession } from '../console/console-session';

/** `$JOBSERVER_CONSOLE_HISTORY`, else `~/.config/jobserver/console_history`. */
function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JOBSERVER_CONSOLE_HISTORY) return env.JOBSERVER_CONSOLE_HISTORY;
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'jobserver', 'console_history');
}

export function registerConsoleCommand(program: Command, context: () => CommandContext): void {
  program
    .command('console')
    .description('an interactive JavaScript prompt in a live named context (history, multi-line input, Tab completion)')
    .argument('<context>', 'a live named context (jobserver contexts create <name>)')
    .action(async (name: string) => {
      const made = context();
      const client = await made.client();
      // Fails early and clearly: an unknown context (404), or a server without the console (no route).
      await client.statements.list(name);
      const session = new ConsoleSession(client, name, made.terminal, historyFile());
      const restore = made.interrupts.onInterrupt(() => {
        made.interrupts.reset();
        session.interrupt();
      });
      try {
        await session.run();
      } finally {
        restore();
      }
    });
}
