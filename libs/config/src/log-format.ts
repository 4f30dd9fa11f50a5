import type { ServerConfig } from './server-config';

/** The pino transport that writes human-readable lines. */
export interface PrettyTransport {
  target: 'pino-pretty';
  options: Record<string, unknown>;
}

/** The pino options of a process's logger ({@link logOptions}). */
export interface LogOptions {
  level: string;
  base: Record<string, unknown>;
  transport?: PrettyTransport;
  hooks?: { logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void, level: number): void };
}

/** Nest's start-up chatter (a line per module and route): left out of pretty logs, kept in JSON ones. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);
const INFO = 30;

/**
 * A process's pino options. `log-format = pretty` (or `auto` with a terminal on stdout) writes
 * human-readable lines through pino-pretty, each naming its app (and Nest context), without
 * Nest's start-up lines; otherwise one JSON object a line, everything kept.
 */
export function logOptions(
  config: Pick<ServerConfig, 'logFormat' | 'logLevel'>,
  base: Record<string, unknown>,
  stdoutIsTerminal = process.stdout.isTTY === true,
): LogOptions {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && stdoutIsTerminal);
  if (!pretty) return { level: config.logLevel, base };
  return {
    level: config.logLevel,
    base,
    transport: {
      target: 'pino-pretty',
      options: {
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,instance,app,context',
        messageFormat: '{app}{if context} ({context}){end}: {msg}',
        colorize: stdoutIsTerminal,
      },
    },
    hooks: {
      logMethod(args, method, level) {
        const first = args[0] as { context?: unknown } | undefined;
        if (level === INFO && typeof first?.context === 'string' && BOOT_CONTEXTS.has(first.context)) return;
        method.apply(this, args);
      },
    },
  };
}
