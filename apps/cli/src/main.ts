import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import { EXIT } from './cli.error';
import { describeFailure } from './failure';
import { Interrupts } from './interrupts';
import { Terminal } from './output/terminal';
import { buildProgram } from './program';

const version = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

async function main(argv: string[]): Promise<number> {
  let interrupts: Interrupts | undefined;
  const { program, context } = buildProgram(version, (terminal) => {
    interrupts = new Interrupts(terminal);
    interrupts.install();
    return interrupts;
  });
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the usage error (or the help / version): 0 for those, 2 for bad usage.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const made = context();
    const failure = describeFailure(error, made.resolvedTarget);
    made.terminal.error(failure.message);
    if (process.env.JOBSERVER_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return interrupts?.interrupted && failure.exitCode === EXIT.failed ? EXIT.interrupted : failure.exitCode;
  }
}

main(process.argv).then(
  // Exit now: an idle keep-alive socket or a stdin listener must not hold the process open.
  (code) => process.exit(code),
  (error: unknown) => {
    // Only a bug of the CLI itself gets here: still one line.
    new Terminal().error(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(EXIT.failed);
  },
);
