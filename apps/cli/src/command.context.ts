import type { JobserverClient } from '@jobserver/client';
import { clientOf, resolveTarget, type ServerOptions, type Target } from './connection/connect';
import type { Interrupts } from './interrupts';
import type { Terminal } from './output/terminal';

/** Retries of a one-off command: a server that is down is said so within a second. */
export const QUICK_RETRY = { attempts: 3, baseDelayMs: 200, maxDelayMs: 1000 };

/** Retries for following a job: a gateway restart or a short network cut is ridden out. */
export const PATIENT_RETRY = { attempts: 30, baseDelayMs: 250, maxDelayMs: 2000 };

/** What every command gets: the terminal, Ctrl-C, and (lazily) the server. */
export class CommandContext {
  private target: Target | undefined;

  constructor(
    readonly terminal: Terminal,
    readonly interrupts: Interrupts,
    private readonly serverOptions: ServerOptions,
  ) {}

  /** The server the command talks to (resolved once). @throws CliError (exit 2) */
  async server(): Promise<Target> {
    this.target ??= await resolveTarget(this.serverOptions);
    return this.target;
  }

  /** A client of the server. */
  async client(retry: typeof PATIENT_RETRY = QUICK_RETRY): Promise<JobserverClient> {
    return clientOf(await this.server(), retry);
  }

  /** The server if it was resolved (error messages name it). */
  get resolvedTarget(): Target | undefined {
    return this.target;
  }
}
