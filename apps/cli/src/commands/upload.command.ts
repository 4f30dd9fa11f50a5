import type { Command } from 'commander';
import { bundleSource } from '../bundling/bundle';
import { EXIT } from '../cli.error';
import type { CommandContext } from '../command.context';
import { byteSize } from '../output/format';

export function registerUploadCommand(program: Command, context: () => CommandContext): void {
  program
    .command('upload')
    .description('upload a bundle as <app>: a .js/.mjs/.cjs/.zip/.tgz file as is, a .ts entry or a folder bundled with esbuild first')
    .argument('<app>', 'app name (letters, digits, ._-)')
    .argument('<file|folder>', 'what to upload')
    .option('--json', 'print the answer as JSON')
    .action(async (app: string, target: string, options: { json?: boolean }) => {
      const { terminal, interrupts } = context();
      const client = await context().client();
      const source = await bundleSource(target);
      if (interrupts.interrupted) return void (process.exitCode = EXIT.interrupted);
      // The upload is not cut by Ctrl-C: it ends stored or refused, and we say which.
      const restore = interrupts.onInterrupt(() => terminal.note('finishing the upload in flight…'));
      try {
        const answer = await client.binaries.upload(app, source.bytes);
        if (options.json) terminal.json(answer);
        else {
          const how = source.bundled ? `bundled from ${source.from}` : source.from;
          terminal.line(`${terminal.colors.green('✔')} uploaded ${terminal.colors.bold(app)} (${how}, ${byteSize(source.bytes.length)})`);
        }
      } finally {
        restore();
      }
      if (interrupts.interrupted) process.exitCode = EXIT.interrupted;
    });
}
