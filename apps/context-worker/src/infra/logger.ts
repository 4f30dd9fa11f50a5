import pino, { type Logger as Pino, type LoggerOptions } from 'pino';

/** Before {@link configureLog}: JSON lines on stdout at info (tests that build services alone). */
let root: Pino = pino({ base: { app: 'context-worker', pid: process.pid } });

/** Sets where every {@link Logger} writes (once, as the worker boots): the options of `logOptions()`. */
export function configureLog(options: LoggerOptions): Pino {
  root = pino(options);
  return root;
}

type Fields = object | string;

/**
 * A part of the context worker's log. The lines are those the gateway and the scheduler write
 * through nestjs-pino: `context` names the part, a first argument that is an object adds its
 * fields (an Error becomes `err`), a string is the message.
 */
export class Logger {
  constructor(private readonly context: string) {}

  log(fields: Fields, message?: string): void {
    this.write('info', fields, message);
  }

  warn(fields: Fields, message?: string): void {
    this.write('warn', fields, message);
  }

  error(fields: Fields, message?: string): void {
    this.write('error', fields, message);
  }

  private write(level: 'info' | 'warn' | 'error', fields: Fields, message: string | undefined): void {
    if (typeof fields === 'string') root[level]({ context: this.context }, fields);
    else if (fields instanceof Error) root[level]({ context: this.context, err: fields }, message);
    else root[level]({ context: this.context, ...fields }, message);
  }
}
