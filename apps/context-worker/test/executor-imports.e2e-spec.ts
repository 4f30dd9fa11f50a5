import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const THREAD = new URL('../dist/executor/executor.thread.js', import.meta.url).pathname;
/** Packages the thread that runs user code must never load: clients of Redis and Postgres, and Nest. */
const FORBIDDEN = /[\\/]node_modules[\\/](ioredis|pg|bullmq|typeorm|@nestjs)[\\/]|[\\/]libs[\\/](persistence|config|bundle)[\\/]/;

/** Loads the built executor thread entry in a fresh worker thread; answers the modules it loaded. */
function modulesLoadedByThread(): Promise<string[]> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    require(${JSON.stringify(THREAD)});
    parentPort.postMessage(Object.keys(require.cache));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', (modules: string[]) => {
      void worker.terminate();
      resolve(modules);
    });
    worker.once('error', reject);
  });
}

describe('the executor thread', () => {
  it('loads no Redis, Postgres, BullMQ, TypeORM or Nest module', async () => {
    const modules = await modulesLoadedByThread();
    expect(modules.some((m) => m.endsWith('executor.thread.js'))).toBe(true);
    expect(modules.filter((m) => FORBIDDEN.test(m))).toEqual([]);
  });
});
