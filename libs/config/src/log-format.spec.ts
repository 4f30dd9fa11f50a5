import { describe, expect, it } from 'vitest';
import { logOptions } from './log-format';

const base = { app: 'gateway' };

describe('logOptions', () => {
  it('writes through pino-pretty on a terminal with auto, and always with pretty', () => {
    expect(logOptions({ logFormat: 'auto', logLevel: 'info' }, base, true).transport?.target).toBe('pino-pretty');
    expect(logOptions({ logFormat: 'pretty', logLevel: 'warn' }, base, false)).toMatchObject({
      level: 'warn',
      base,
      transport: { target: 'pino-pretty', options: { colorize: false } },
    });
  });

  it('writes JSON lines off a terminal with auto, and always with json', () => {
    expect(logOptions({ logFormat: 'auto', logLevel: 'info' }, base, false)).toEqual({ level: 'info', base });
    expect(logOptions({ logFormat: 'json', logLevel: 'info' }, base, true)).toEqual({ level: 'info', base });
  });

  it("leaves Nest's start-up lines out of pretty logs only", () => {
    const { hooks } = logOptions({ logFormat: 'pretty', logLevel: 'info' }, base, false);
    const written: unknown[][] = [];
    const method = (...args: unknown[]) => void written.push(args);
    hooks!.logMethod.call(null, [{ context: 'RouterExplorer' }, 'Mapped {/jobs, POST} route'], method, 30);
    hooks!.logMethod.call(null, [{ context: 'RouterExplorer' }, 'a warning'], method, 40);
    hooks!.logMethod.call(null, [{ context: 'JobRouter' }, 'routed'], method, 30);
    hooks!.logMethod.call(null, ['plain'], method, 30);
    expect(written.map((args) => args[args.length - 1])).toEqual(['a warning', 'routed', 'plain']);
  });
});
