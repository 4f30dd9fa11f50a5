import path from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../cli.error';
import type { CommandContext } from '../command.context';
import { jobProject, writeJobProject } from '../template/job-project';

export function registerInitCommand(program: Command, context: () => CommandContext): void {
  program
    .command('init')
    .description('write a new job project: TypeScript, @jobserver/api, a WordCount job with its unit test, esbuild build, npm run deploy')
    .argument('<dir>', 'where (must not exist, or be empty)')
    .option('--name <app>', 'app and package name (default: the folder name)')
    .option('--api <spec>', 'where @jobserver/api comes from (default: file: this repository\'s libs/api)')
    .action(async (dir: string, options: { name?: string; api?: string }) => {
      const { terminal, interrupts } = context();
      const project = jobProject(dir, options.name, options.api);
      try {
        await writeJobProject(project, interrupts.signal);
      } catch (error) {
        if (interrupts.interrupted) {
          terminal.note('interrupted: nothing was written');
          return void (process.exitCode = EXIT.interrupted);
        }
        throw error;
      }
      const where = path.relative(process.cwd(), project.dir) || '.';
      terminal.line(`${terminal.colors.green('✔')} job project ${terminal.colors.bold(project.name)} in ${where}`);
      terminal.line(`  cd ${where} && npm install && npm test && npm run deploy`);
      terminal.line(`  jobserver run ${project.name} WordCount -c input.string="a b a"`);
    });
}
