import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { rewriteStatement } from './statement.scope';

/** Runs statements one after the other as the executor does, in this realm's global scope. */
async function run(code: string): Promise<unknown> {
  const fn = runInThisContext(rewriteStatement(code, ['log']).source) as (log: unknown) => Promise<unknown>;
  return fn.call(globalThis, 'the log');
}

describe('rewriteStatement', () => {
  it('returns the last expression and keeps top-level declarations for later statements', async () => {
    expect(await run('const specA = 20; let specB = 1; var specC = 1; specA + specB + specC')).toBe(22);
    expect(await run('specA * 2')).toBe(40);
    expect(await run('function specF(x) { return x + specA } class SpecK { v() { return 7 } }')).toBeUndefined();
    expect(await run('specF(1) + new SpecK().v()')).toBe(28);
  });

  it('hoists function declarations and destructures patterns', async () => {
    await run('const { specX, specY: [specZ] } = { specX: 1, specY: [2] }; const specR = specH(); function specH() { return specX + specZ }');
    expect(await run('specR + specH()')).toBe(6);
  });

  it('allows top-level await and a declaration repeated in a later statement', async () => {
    expect(await run('const specW = await Promise.resolve(5); specW')).toBe(5);
    expect(await run('const specW = 6; specW')).toBe(6);
  });

  it('keeps var declared inside blocks and loops (function-scoped in JavaScript) for later statements, not those inside functions', async () => {
    await run('for (var specI = 0; specI < 3; specI++) {} if (true) { var specV = 1 } try { var specT = 3 } catch {} for (var specK of [4]) { var specL = specK }');
    expect(await run('[specI, specV, specT, specK, specL]')).toEqual([3, 1, 3, 4, 4]);
    await run('for (var { specD } of [{ specD: 5 }]) {} function specInner() { var specHidden = 1; return specHidden } specInner()');
    expect(await run('[specD, typeof specHidden]')).toEqual([5, 'undefined']);
  });

  it('lets a statement redeclare a scope name: the declaration wins in it and in later statements', async () => {
    const rewritten = rewriteStatement('const specLog = 5; specLog', ['specLog', 'other']);
    expect(rewritten.params).toEqual(['other']);
    const fn = runInThisContext(rewritten.source) as (other: unknown) => Promise<unknown>;
    expect(await fn.call(globalThis, 'x')).toBe(5);
    expect(rewriteStatement('specLog', ['specLog', 'other'], new Set(['specLog'])).params).toEqual(['other']);
  });

  it('passes the scope names as parameters, not as globals', async () => {
    expect(await run('log')).toBe('the log');
    expect((globalThis as Record<string, unknown>).log).toBeUndefined();
  });

  it('reports a syntax error with its position', () => {
    expect(() => rewriteStatement('1 +* 2', [])).toThrow(/\(1:3\)/);
  });

  it('lists the declared names', () => {
    expect(rewriteStatement('let a = 1, [b, ...c] = [], { d = 1 } = {}; function e() {} class F {}', []).declared.sort()).toEqual(
      ['F', 'a', 'b', 'c', 'd', 'e'],
    );
  });
});
