import { EXIT } from './cli.error';
import type { Terminal } from './output/terminal';

/**
 * Ctrl-C, in one place. By default the first one aborts `signal` (reads stop at once; commands
 * decide what a mutation in flight becomes); a command may take it over with `onInterrupt` (run
 * asks whether to kill its job). A second Ctrl-C exits at once with 130, saying so, never with a
 * stack trace.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private handler: (() => void) | undefined;
  private count = 0;

  constructor(private readonly terminal: Terminal) {}

  /** Aborted by the first Ctrl-C (unless a handler took it over). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get interrupted(): boolean {
    return this.count > 0;
  }

  install(): void {
    process.on('SIGINT', () => this.interrupt());
  }

  /** Ctrl-C as the terminal sends it (also called by prompts that read raw keys). */
  interrupt(): void {
    this.count++;
    if (this.count > 1) {
      this.terminal.error('interrupted');
      process.exit(EXIT.interrupted);
    }
    if (this.handler) this.handler();
    else this.controller.abort(new Error('interrupted'));
  }

  /** Runs `handler` on the next Ctrl-C instead of aborting; the returned function restores the default. */
  onInterrupt(handler: () => void): () => void {
    this.handler = handler;
    return () => {
      if (this.handler === handler) this.handler = undefined;
    };
  }

  /** Lets the next Ctrl-C be handled like a first one again (after a prompt answered it). */
  reset(): void {
    this.count = 0;
  }
}
