import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const BOOTSTRAP = new URL('../dist/worker.bootstrap.js', import.meta.url).pathname;
/**
 * What a context worker's main thread must not load: Nest (its container, decorators and logger
 * cost an idle worker ~20 MiB and ~250 ms of CPU at every boot), TypeORM (~12 MiB and ~100 ms;
 * docs/performance-worker.md) and the HTTP side (class-validator, swagger).
 */
const FORBIDDEN = /[\\/]node_modules[\\/](@nestjs|nestjs-pino|typeorm|class-validator|class-transformer|rxjs)[\\/]|[\\/]libs[\\/]persistence[\\/]dist[\\/](entities|migrations|data-source)/;

/** Loads the built worker in a fresh node; answers the modules it loaded. */
function modulesLoadedByWorker(): string[] {
  const code = `require(${JSON.stringify(BOOTSTRAP)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' })) as string[];
}

describe('the context worker', () => {
  it('loads no Nest, TypeORM (entities, migrations) or class-validator module', () => {
    const modules = modulesLoadedByWorker();
    expect(modules.some((m) => m.endsWith('worker.bootstrap.js'))).toBe(true);
    expect(modules.filter((m) => FORBIDDEN.test(m))).toEqual([]);
  });
});
