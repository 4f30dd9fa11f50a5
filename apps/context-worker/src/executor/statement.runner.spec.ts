import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor } from './executor';
import { buildExecutorThread } from './executor-thread.testing';
import type { JobOutcome } from './executor.messages';
import type { StatementHooks } from './executor.statements';
import { progressFraction } from './statement.runner';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'statement-spec-'));
const threadFile = path.join(tmp, 'executor.thread.js');
const app = path.join(tmp, 'app.mjs');
const jobs = path.join(tmp, 'jobs.mjs');

beforeAll(async () => {
  fs.writeFileSync(app, `export const double = (x) => 2 * x;\n`);
  fs.writeFileSync(jobs, `export const Put = { runJob: (ctx) => ctx.namedObjects.update('fromJob', { n: 41 }) };
export const Get = { runJob: (ctx) => ctx.namedObjects.get('fromStatement') };\n`);
  await buildExecutorThread(threadFile);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let executor: Executor;
let seq = 0;
const progress: number[] = [];
const hooks: StatementHooks = {
  load: async (name) => {
    if (name !== 'app') throw Object.assign(new Error(`appName ${name} not found`), { name: 'BundleNotFound' });
    return app;
  },
  onProgress: (fraction) => progress.push(fraction),
};

beforeAll(async () => {
  executor = new Executor({ contextName: 'console', settings: { color: 'blue' }, maxResultSize: 1_000_000, threadFile });
  await executor.start();
});
afterAll(() => executor.stop());

function statement(code: string, maxOutputBytes = 10_000): Promise<JobOutcome> {
  seq += 1;
  return executor.runStatement({ jobId: `statement:test:${seq}`, executionCount: seq, code, maxOutputBytes }, hooks);
}

async function output(code: string, maxOutputBytes?: number): Promise<Record<string, unknown>> {
  const outcome = await statement(code, maxOutputBytes);
  if (outcome.kind !== 'statement') throw new Error(`not a statement outcome: ${JSON.stringify(outcome)}`);
  return outcome.output as unknown as Record<string, unknown>;
}

describe('console statements in the executor thread', () => {
  it('keeps declarations across statements and answers the value as text and JSON', async () => {
    expect(await output('const a = 20; console.log("hi", { b: 1 }); a')).toMatchObject({
      status: 'ok',
      data: { 'text/plain': 'hi { b: 1 }\n20', 'application/json': 20 },
    });
    expect(await output('a + 1')).toMatchObject({ data: { 'text/plain': '21', 'application/json': 21 } });
    expect((await output('let c = 1')).data).toEqual({ 'text/plain': '' });
  });

  it("captures what a function declared by an earlier statement prints into the statement that calls it", async () => {
    await output('function hello() { console.log("hi from hello"); return 1 }');
    expect(await output('hello()')).toMatchObject({ data: { 'text/plain': 'hi from hello\n1' } });
  });

  it('imports modules dynamically, as a module does', async () => {
    expect(await output('(await import("node:path")).posix.join("a", "b")')).toMatchObject({ status: 'ok', data: { 'application/json': 'a/b' } });
  });

  it('keeps a var declared in a loop, and lets a statement redeclare a scope name for later ones', async () => {
    await output('for (var vi = 0; vi < 3; vi++) {}');
    expect(await output('vi')).toMatchObject({ data: { 'application/json': 3 } });
    await output('const log = 5');
    expect(await output('log')).toMatchObject({ data: { 'application/json': 5 } });
  });

  it('shares the named objects with jobs and sees the settings', async () => {
    await executor.run({ jobId: 'put', entryPath: jobs, classPath: 'Put', config: {} });
    expect(await output('(await namedObjects.get("fromJob")).n + 1')).toMatchObject({ data: { 'application/json': 42 } });
    await output('await namedRdds.update("fromStatement", [settings.color])');
    expect(await executor.run({ jobId: 'get', entryPath: jobs, classPath: 'Get', config: {} })).toEqual({
      kind: 'finished',
      result: '["blue"]',
    });
  });

  it('loads an app through the main thread and calls its export', async () => {
    expect(await output('const m = await load("app"); m.double(21)')).toMatchObject({ data: { 'application/json': 42 } });
    const missing = await output('await load("nope")');
    expect(missing).toMatchObject({ status: 'error', ename: 'BundleNotFound', evalue: 'appName nope not found' });
    expect((missing.traceback as string[]).filter((frame) => !/^at (async )?statement-\d+:/.test(frame))).toEqual([]);
  });

  it('turns syntax errors, throws of non-errors and odd values into outputs', async () => {
    // Where in the statement, never the parser's own frames (node_modules paths).
    expect(await output('1 +* 2')).toEqual(expect.objectContaining({ status: 'error', ename: 'SyntaxError', evalue: expect.stringContaining('(1:3)'), traceback: [expect.stringMatching(/^at statement-\d+:1:4$/)] }));
    expect(await output('a b')).toMatchObject({ ename: 'SyntaxError', traceback: [expect.stringMatching(/^at statement-\d+:1:3$/)] });
    expect(await output('throw 42')).toMatchObject({ status: 'error', evalue: '42' });
    const thrown = await output('const q = 1; q.nope.deeper');
    expect(thrown).toMatchObject({ ename: 'TypeError', traceback: [expect.stringMatching(/^at statement-\d+:1:\d+$/)] });
    const cycle = await output('const o = {}; o.self = o; o');
    expect(cycle.data).toEqual({ 'text/plain': '<ref *1> { self: [Circular *1] }', 'application/json': '[object Object]' });
    expect((await output('(x) => x')).data).toMatchObject({ 'text/plain': '[Function (anonymous)]' });
    expect((await output('Symbol("s")')).data).toMatchObject({ 'text/plain': 'Symbol(s)', 'application/json': 'Symbol(s)' });
  });

  it('caps printed output and a huge value, with a note', async () => {
    const printed = (await output('console.log("x".repeat(1e8))', 1000)).data as Record<string, string>;
    expect(printed['text/plain']).toMatch(/^x{1000}\n\[output truncated: 99999001 more characters/);
    const huge = (await output('"y".repeat(1e8)', 1000)).data as Record<string, unknown>;
    expect(huge['application/json']).toBeUndefined();
    expect(huge['text/plain']).toMatch(/^\[application\/json left out: .*max-result-size|^\[application\/json left out/);
    // Two 100 MB strings: well under a second alone, several on a loaded 2-core CI machine.
  }, 30_000);

  it('reports progress, clamped', async () => {
    progress.length = 0;
    await output('progress(0.5); progress({ done: 3, total: 2 }); progress(NaN); progress("x")');
    expect(progress).toEqual([0.5, 1]);
  });

  it('aborts the signal of a cancelled statement', async () => {
    const running = statement('await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)))');
    await new Promise((r) => setTimeout(r, 50));
    executor.cancel(`statement:test:${seq}`, 'statement cancelled');
    expect(await running).toMatchObject({ kind: 'statement', output: { status: 'error', ename: 'AbortError', evalue: 'statement cancelled' } });
  });

  it('completes declared names, scope names and named objects', async () => {
    await output('const completeMe = { alpha: 1, beta: 2 }');
    expect(await executor.complete('compl', 5)).toEqual(['completeMe']);
    expect(await executor.complete('completeMe.al', 13)).toEqual(['alpha']);
    expect(await executor.complete('named', 5)).toEqual(['namedObjects', 'namedRdds']);
    expect(await executor.complete('x = fromJ', 9)).toEqual(['fromJob']);
  });

  it('starts with an empty scope after the executor is replaced', async () => {
    await output('const survivor = 1');
    await executor.restart('test');
    expect(await output('typeof survivor')).toMatchObject({ data: { 'application/json': 'undefined' } });
  });
});

describe('progressFraction', () => {
  it('clamps and ignores what is not a number', () => {
    expect([progressFraction(-1), progressFraction(2), progressFraction({ done: 1, total: 4 })]).toEqual([0, 1, 0.25]);
    expect([progressFraction(NaN), progressFraction('0.5'), progressFraction({ done: 1, total: 0 })]).toEqual([undefined, undefined, undefined]);
  });
});
