import type { JobReport } from '@jobserver/client';
import { EXIT } from '../cli.error';
import type { Terminal } from '../output/terminal';

/** The exit code of a job's final status: 0 finished, 130 killed, 1 otherwise. */
export function exitCodeOf(status: string): number {
  if (status === 'OK' || status === 'FINISHED') return EXIT.ok;
  if (status === 'KILLED') return EXIT.interrupted;
  return EXIT.failed;
}

/** Prints a job's end: the result (finished), the error with its frames (error), or that it was killed. */
export function printOutcome(terminal: Terminal, report: JobReport): void {
  const { colors } = terminal;
  const id = colors.bold(report.jobId);
  if (report.status === 'OK' || report.status === 'FINISHED') {
    terminal.line(`${colors.green('✔')} job ${id} finished in ${report.duration}`);
    if (report.result !== undefined) terminal.json(report.result);
    return;
  }
  const error = report.result as { message?: string; errorClass?: string; stack?: string[] } | undefined;
  if (report.status === 'KILLED') {
    // The server's own message (`Job <id> killed`) says nothing more; a timeout or a context stop does.
    const why = error?.message && !/^Job \S+ killed$/.test(error.message) ? `: ${error.message}` : '';
    terminal.line(`${colors.yellow('✖')} job ${id} was killed${why}`);
    return;
  }
  terminal.line(`${colors.red('✖')} job ${id} failed: ${error?.errorClass ?? 'Error'}: ${error?.message ?? JSON.stringify(report.result)}`);
  for (const frame of error?.stack ?? []) terminal.line(colors.dim(`    ${frame.trim()}`));
}
