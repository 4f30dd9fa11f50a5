import pc from 'picocolors';

/** The colour functions (no-ops when colours are off). */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Where the CLI writes and how: colours, bars and prompts only when stdout is a terminal
 * (and `NO_COLOR` / `--no-color` are not set), so that pipes and files get plain text.
 */
export class Terminal {
  readonly colors: Colors;

  constructor(
    readonly out: NodeJS.WriteStream = process.stdout,
    readonly err: NodeJS.WriteStream = process.stderr,
    colorWanted = true,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.colors = pc.createColors(this.interactive && colorWanted && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  }

  /** Whether stdout is a terminal: bars, colours and live redraws go there only then. */
  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  /** Whether the user can be asked (stdin and stdout are terminals). */
  get canAsk(): boolean {
    return this.interactive && process.stdin.isTTY === true;
  }

  /** Terminal width, 80 when unknown. */
  get columns(): number {
    return this.out.columns || 80;
  }

  line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  /** Pretty JSON (`--json` answers and results). */
  json(value: unknown): void {
    this.out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A message about the CLI's own work (not a result): stderr. */
  note(text: string): void {
    this.err.write(`${this.colors.dim(text)}\n`);
  }

  /** A one-line error: `jobserver: <message>` on stderr. */
  error(message: string): void {
    this.err.write(`${this.colors.red('jobserver:')} ${message}\n`);
  }
}
