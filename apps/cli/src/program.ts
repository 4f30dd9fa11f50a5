import { Command } from 'commander';
import { CommandContext } from './command.context';
import { registerAppCommands } from './commands/app.command';
import { registerConsoleCommand } from './commands/console.command';
import { registerContextCommands } from './commands/context.command';
import { registerInitCommand } from './commands/init.command';
import { registerJobCommands } from './commands/job.command';
import { registerKeyCommands } from './commands/key.command';
import { registerRunCommand } from './commands/run.command';
import { registerScheduleCommands } from './commands/schedule.command';
import { registerUploadCommand } from './commands/upload.command';
import type { Interrupts } from './interrupts';
import { Terminal } from './output/terminal';

/** The global options, as commander parses them. */
interface GlobalOptions {
  url?: string;
  profile?: string;
  profiles?: string;
  color: boolean;
}

/** Builds the `jobserver` program; `context()` is made from the global options when a command runs. */
export function buildProgram(version: string, interrupts: (terminal: Terminal) => Interrupts): { program: Command; context: () => CommandContext } {
  const program = new Command('jobserver');
  let made: CommandContext | undefined;
  const context = () => {
    if (!made) {
      const options = program.opts<GlobalOptions>();
      const terminal = new Terminal(process.stdout, process.stderr, options.color);
      made = new CommandContext(terminal, interrupts(terminal), options);
    }
    return made;
  };
  program
    .description('Upload job bundles, run and follow jobs, manage contexts on a jobserver')
    .version(version, '-V, --version')
    .option('--url <url>', 'server URL (default: $JOBSERVER_URL, else the profile, else http://127.0.0.1:8090)')
    .option('--profile <name>', 'a server of the profile file (default: $JOBSERVER_PROFILE, else its "current")')
    .option('--profiles <file>', 'the profile file (default: $JOBSERVER_PROFILES, else ~/.config/jobserver/profiles.conf)')
    .option('--no-color', 'no colours (also NO_COLOR=1; never when stdout is not a terminal)')
    .showHelpAfterError('(run jobserver --help for usage)')
    .allowExcessArguments(false)
    .exitOverride();
  program.addHelpText(
    'after',
    '\nEnvironment: JOBSERVER_URL, JOBSERVER_TOKEN (API key) or JOBSERVER_USER + JOBSERVER_PASSWORD, JOBSERVER_PROFILE, JOBSERVER_PROFILES.\nExit codes: 0 done, 1 failed (job error, refused request), 2 usage / unreachable / credentials, 130 interrupted or killed.',
  );
  registerUploadCommand(program, context);
  registerAppCommands(program, context);
  registerContextCommands(program, context);
  registerRunCommand(program, context);
  registerJobCommands(program, context);
  registerScheduleCommands(program, context);
  registerConsoleCommand(program, context);
  registerKeyCommands(program, context);
  registerInitCommand(program, context);
  // Every subcommand refuses unknown options and extra arguments, and exits through main's handler.
  for (const command of program.commands) configureStrict(command);
  return { program, context };
}

function configureStrict(command: Command): void {
  command.allowExcessArguments(false).showHelpAfterError(`(run jobserver ${command.name()} --help for usage)`).exitOverride();
  for (const sub of command.commands) configureStrict(sub);
}
