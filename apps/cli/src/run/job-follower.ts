import { isTerminal, JobserverError, reportOf, type JobReport, type JobserverClient } from '@jobserver/client';
import { EXIT } from '../cli.error';
import type { CommandContext } from '../command.context';
import { JobView } from './job-view';
import { exitCodeOf, printOutcome } from './outcome';
import { askYesNo } from './prompt';

/** How a followed job ended for the CLI: its final report, or left running on Ctrl-C. */
export type FollowEnd = { report: JobReport } | { left: true };

/**
 * Follows a job until its end: its events on a {@link JobView} (or, on a server without the
 * events route, its report by polling), and Ctrl-C as a question — kill the job (then follow it
 * to its killed end) or leave it running.
 */
export class JobFollower {
  private readonly stop = new AbortController();
  private deciding: Promise<void> | undefined;
  private readonly withdraw = new AbortController();
  private left = false;

  constructor(
    private readonly context: CommandContext,
    private readonly client: JobserverClient,
    private readonly jobId: string,
    private readonly view: JobView,
  ) {}

  /** Ctrl-C: asks whether to kill the job (without a terminal to ask on: leaves it running). */
  interrupted(): void {
    if (this.deciding) return;
    this.deciding = this.decide().finally(() => {
      this.deciding = undefined;
      this.context.interrupts.reset();
    });
  }

  async follow(): Promise<FollowEnd> {
    this.view.start();
    try {
      const report = await this.untilEnd();
      this.withdraw.abort();
      await this.deciding;
      return { report };
    } catch (error) {
      if (this.left) return { left: true };
      throw error;
    } finally {
      this.view.stop();
    }
  }

  private async untilEnd(): Promise<JobReport> {
    try {
      for await (const event of this.client.events(this.jobId, { signal: this.stop.signal })) {
        this.view.show(event);
        if (isTerminal(event)) return reportOf(event);
      }
    } catch (error) {
      if (!(error instanceof JobserverError && error.routeMissing)) throw error;
      this.context.terminal.note('this server has no events route (older than this CLI): following the status only');
      return this.client.waitFor(this.jobId, { signal: this.stop.signal });
    }
    return this.client.waitFor(this.jobId, { signal: this.stop.signal });
  }

  private async decide(): Promise<void> {
    const { terminal } = this.context;
    this.view.suspend();
    const kill = terminal.canAsk && (await askYesNo(`\nKill job ${this.jobId}? [y/N] `, this.withdraw.signal));
    if (this.withdraw.signal.aborted) return this.view.resume();
    if (!kill) {
      this.left = true;
      this.stop.abort();
      return;
    }
    await this.client.jobs.kill(this.jobId).catch((error: unknown) => {
      // 404: it ended meanwhile; its end event says how.
      if (!(error instanceof JobserverError && error.status === 404)) throw error;
    });
    terminal.note(`killing job ${this.jobId}…`);
    this.view.resume();
  }
}

/** Follows a job and prints its end; answers the exit code (0, 1, 130). */
export async function followAndReport(context: CommandContext, client: JobserverClient, jobId: string, json: boolean): Promise<number> {
  const { terminal, interrupts } = context;
  const follower = new JobFollower(context, client, jobId, new JobView(terminal, { silent: json }));
  const restore = interrupts.onInterrupt(() => follower.interrupted());
  try {
    const end = await follower.follow();
    if ('left' in end) {
      terminal.line(`job ${jobId} left running; follow it with: jobserver jobs logs -f ${jobId}`);
      return EXIT.interrupted;
    }
    if (json) terminal.json(end.report);
    else printOutcome(terminal, end.report);
    return exitCodeOf(end.report.status);
  } finally {
    restore();
  }
}
