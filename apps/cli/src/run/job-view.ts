import type { JobEvent } from '@jobserver/client';
import { MultiBar, type SingleBar } from 'cli-progress';
import type { Terminal } from '../output/terminal';

type LogEvent = Extract<JobEvent, { type: 'log' }>;

/**
 * Shows a job while it runs: on a terminal, a progress bar with the elapsed time, the stage and
 * the progress message, log lines scrolling above it; elsewhere (a pipe, a file) plain lines for
 * stages and logs, no bar. `suspend()` takes the bar down (for a prompt); what arrives meanwhile
 * is shown on `resume()`.
 */
export class JobView {
  private bars: MultiBar | undefined;
  private bar: SingleBar | undefined;
  private fraction = 0;
  private stage = '';
  private message = '';
  private suspended = false;
  /** When the first bar started: a bar drawn again after a prompt keeps counting from it. */
  private startTime: number | undefined;
  private readonly held: string[] = [];

  /** `bar: false`: lines only; `silent`: shows nothing (`run --json` prints only the end). */
  constructor(
    private readonly terminal: Terminal,
    private readonly options: { bar?: boolean; silent?: boolean } = {},
  ) {}

  start(): void {
    if (!this.terminal.interactive || this.options.bar === false || this.options.silent || this.bars) return;
    const { colors } = this.terminal;
    this.bars = new MultiBar({
      stream: this.terminal.out,
      format: `{bar} {percentage}% ${colors.dim('|')} {duration_formatted} ${colors.dim('|')} {stage}{message}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: Math.max(10, Math.min(30, this.terminal.columns - 50)),
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
      fps: 10,
    });
    this.bar = this.bars.create(100, Math.round(this.fraction * 100), this.payload());
    const bar = this.bar as unknown as { startTime: number };
    this.startTime ??= bar.startTime;
    bar.startTime = this.startTime;
  }

  /** Shows one event of the job (the terminal ones are the caller's to print). */
  show(event: JobEvent): void {
    switch (event.type) {
      case 'progress':
        this.fraction = Math.max(0, Math.min(1, event.fraction));
        this.message = event.message ?? (event.total ? `${event.done ?? 0}/${event.total}` : '');
        break;
      case 'stage':
        this.stage = event.name;
        if (!this.bars) this.print(`${this.terminal.colors.cyan('stage')} ${event.name}`);
        break;
      case 'log':
        this.print(this.logLine(event));
        break;
      case 'retry':
        // A fresh run: its progress starts again.
        this.fraction = 0;
        this.print(`${this.terminal.colors.yellow('retry')} attempt ${event.attempt}: ${event.error.errorClass}: ${event.error.message}`);
        break;
      case 'finished':
        this.fraction = 1;
        break;
    }
    this.bar?.update(Math.round(this.fraction * 100), this.payload());
  }

  /** Takes the bar down (its last state stays on screen) until `resume()`. */
  suspend(): void {
    this.suspended = true;
    this.stopBars();
  }

  resume(): void {
    this.suspended = false;
    this.start();
    for (const line of this.held.splice(0)) this.print(line);
  }

  /** Final draw of the bar, then lines are plain again. */
  stop(): void {
    this.bar?.update(Math.round(this.fraction * 100), this.payload());
    this.stopBars();
    for (const line of this.held.splice(0)) this.terminal.line(line);
  }

  private stopBars(): void {
    // A final redraw writes the log lines still buffered (MultiBar.stop() would drop them).
    (this.bars as unknown as { update(): void } | undefined)?.update();
    this.bars?.stop();
    this.bars = undefined;
    this.bar = undefined;
  }

  private print(line: string): void {
    if (this.options.silent) return;
    if (this.suspended) this.held.push(line);
    else if (this.bars) this.bars.log(`${line}\n`);
    else this.terminal.line(line);
  }

  private payload(): { stage: string; message: string } {
    const { colors } = this.terminal;
    return { stage: this.stage ? colors.cyan(this.stage) : '', message: this.message ? `${this.stage ? ' ' : ''}${colors.dim(this.message)}` : '' };
  }

  private logLine(event: LogEvent): string {
    const { colors } = this.terminal;
    const level = event.level === 'ERROR' ? colors.red(event.level) : event.level === 'WARN' ? colors.yellow(event.level) : colors.dim(event.level);
    const fields = event.fields === undefined ? '' : ` ${colors.dim(JSON.stringify(event.fields))}`;
    return `${colors.dim(event.time.slice(11, 19))} ${level} ${event.message}${fields}`;
  }
}
