import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/services';
import { openDataSource, runMigrations } from './data-source';
import { ContextRepository } from './repositories/context.repository';
import { StatementRepository } from './repositories/statement.repository';

describe('StatementRepository on Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let source: DataSource;
  let contexts: ContextRepository;
  let statements: StatementRepository;
  const ok = (n: number) => ({ status: 'ok', execution_count: n, data: { 'text/plain': String(n) } });

  beforeAll(async () => {
    db = await testDatabase();
    source = await openDataSource({ url: db.url, poolSize: 4 });
    await runMigrations(source);
    contexts = new ContextRepository(source);
    // As the servers run it: its hot statements named (prepared once per connection).
    statements = new StatementRepository(source, { prepare: true });
  });
  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  it('numbers statements from 0 per context life, none lost under concurrent inserts', async () => {
    const [a, b] = await Promise.all(['ids-a', 'ids-b'].map((name) => contexts.insertStarting(name, {}, false)));
    const inserted = await Promise.all(Array.from({ length: 50 }, (_, i) => statements.insert(a.id, `${i}`)));
    expect(inserted.map((s) => s!.id).sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(await statements.insert(b.id, 'x')).toMatchObject({ id: 0, state: 'waiting', output: null, started: 0, completed: 0 });
  });

  it('records by context name only in a running named context of the owner', async () => {
    const named = await contexts.insertStarting('by-name', {}, false, 'alice');
    const adHoc = await contexts.insertStarting('by-name-adhoc', {}, true);
    expect(await statements.insertByName('by-name', '1', 'alice')).toMatchObject({ contextId: named.id, statement: { id: 0, state: 'waiting' } });
    expect(await statements.insertByName('by-name', '1')).toMatchObject({ statement: { id: 1 } });
    expect(await statements.insertByName('by-name', '1', 'bob')).toBeNull();
    expect(await statements.insertByName('by-name-adhoc', '1')).toBeNull();
    await contexts.transition(named.id, ['STARTED'], 'STOPPING');
    expect(await statements.insertByName('by-name', '1')).toBeNull();
    expect(await statements.insertByName('nothing', '1')).toBeNull();
    expect(adHoc.adHoc).toBe(true);
  });

  it('refuses a statement for a context that is not live', async () => {
    const context = await contexts.insertStarting('ended', {}, false);
    await contexts.end(context.id, 'FINISHED');
    expect(await statements.insert(context.id, '1')).toBeNull();
  });

  it('runs, ends and keeps only the last statements-retained ended ones', async () => {
    const context = await contexts.insertStarting('retained', {}, false);
    for (let i = 0; i < 5; i++) {
      await statements.insert(context.id, `${i}`);
      await statements.markRunning(context.id, i, 1000 + i);
      expect(await statements.end(context.id, i, ok(i), 3, 2000 + i)).toBe('available');
    }
    const kept = await statements.list(context.id, 3);
    expect(kept.map((s) => s.id)).toEqual([2, 3, 4]);
    expect(kept[2]).toEqual({ id: 4, code: '4', state: 'available', output: ok(4), progress: 1, started: 1004, completed: 2004 });
    expect(await statements.end(context.id, 4, ok(4), 3)).toBeNull();
  });

  it('shows the unfinished statements and the last statements-retained, and deletes the others at every 16th end', async () => {
    const context = await contexts.insertStarting('pruned', {}, false);
    const count = async () => (await source.query(`SELECT count(*)::int AS n FROM statements WHERE context_id = $1`, [context.id]))[0].n;
    await statements.insert(context.id, 'long');
    for (let i = 1; i < 20; i++) {
      await statements.insert(context.id, `${i}`);
      expect(await statements.end(context.id, i, ok(i), 3)).toBe('available');
      expect((await statements.list(context.id, 3)).map((s) => s.id)).toEqual([0, ...[i - 2, i - 1, i].filter((id) => id > 0)]);
      // Before the end of id 16 nothing was deleted; from it on, at most 15 ended ones beyond the last 3.
      expect(await count()).toBe(i < 16 ? i + 1 : 1 + 3 + (i - 16));
    }
    expect(await statements.get(context.id, 0)).toMatchObject({ state: 'waiting' });
    // Read one by one with the same rule as the list: an ended one past the last 3 is gone, even before its delete.
    expect(await statements.get(context.id, 0, 3)).toMatchObject({ state: 'waiting' });
    expect(await statements.get(context.id, 16, 3)).toBeNull();
    expect(await statements.get(context.id, 17, 3)).toMatchObject({ state: 'available' });
    expect(await statements.get(context.id, 19, 3)).toMatchObject({ state: 'available' });
  });

  it('cancels a waiting statement at once and a running one through cancelling', async () => {
    const context = await contexts.insertStarting('cancels', {}, false);
    await statements.insert(context.id, 'a');
    await statements.insert(context.id, 'b');
    expect(await statements.cancel(context.id, 0)).toBe('cancelled');
    expect(await statements.codeToRun(context.id, 0)).toBeNull();
    await statements.markRunning(context.id, 1, 1);
    expect(await statements.cancel(context.id, 1)).toBe('cancelling');
    expect(await statements.end(context.id, 1, ok(1), 100)).toBe('cancelled');
    expect(await statements.get(context.id, 1)).toMatchObject({ state: 'cancelled', output: null });
    expect(await statements.cancel(context.id, 1)).toBeNull();
  });

  it('ends a statement its worker started straight from waiting, with its start; marks only a waiting one running', async () => {
    const context = await contexts.insertStarting('claimed', {}, false);
    await statements.insert(context.id, 'quick');
    await statements.insert(context.id, 'slow');
    expect(await statements.codeToRun(context.id, 0)).toBe('quick');
    await statements.setProgress(context.id, 0, 0.5);
    expect(await statements.get(context.id, 0)).toMatchObject({ state: 'waiting', progress: 0.5, started: 0 });
    expect(await statements.end(context.id, 0, ok(0), 100, 2000, 1000)).toBe('available');
    expect(await statements.get(context.id, 0)).toMatchObject({ state: 'available', progress: 1, started: 1000, completed: 2000 });
    await statements.markRunning(context.id, 0, 1000);
    expect((await statements.get(context.id, 0))!.state).toBe('available');
    expect(await statements.codeToRun(context.id, 0)).toBeNull();
    await statements.markRunning(context.id, 1, 3000);
    expect(await statements.end(context.id, 1, ok(1), 100, 4000, 3500)).toBe('available');
    expect(await statements.get(context.id, 1)).toMatchObject({ started: 3000, completed: 4000 });
  });

  it('cancels a started statement through cancelling, whether its row says waiting or running', async () => {
    const context = await contexts.insertStarting('cancel-started', {}, false);
    await statements.insert(context.id, 'a');
    await statements.insert(context.id, 'b');
    await statements.markRunning(context.id, 1, 10);
    expect(await statements.cancelStarted(context.id, 0)).toBe('cancelling');
    expect(await statements.codeToRun(context.id, 0)).toBe('a');
    expect(await statements.cancelStarted(context.id, 1)).toBe('cancelling');
    expect(await statements.end(context.id, 0, ok(0), 100, 20, 5)).toBe('cancelled');
    expect(await statements.get(context.id, 0)).toMatchObject({ state: 'cancelled', output: null, started: 5, completed: 20 });
    expect(await statements.cancelStarted(context.id, 0)).toBeNull();
  });

  it('ends the unfinished statements of a context that died, with an error output', async () => {
    const context = await contexts.insertStarting('dies', {}, false);
    await statements.insert(context.id, 'running');
    await statements.insert(context.id, 'waiting');
    await statements.markRunning(context.id, 0, 1);
    expect(await statements.endOfEndedContexts(context.id)).toEqual([]);
    await contexts.end(context.id, 'ERROR');
    const ended = await statements.endOfEndedContexts();
    expect(ended.map((s) => [s.context, s.id, s.state]).sort()).toEqual([['dies', 0, 'available'], ['dies', 1, 'available']]);
    expect((await statements.get(context.id, 0))!.output).toEqual({
      status: 'error', execution_count: 0, ename: 'ContextTerminated',
      evalue: 'context dies ended (ERROR) before the statement completed', traceback: [],
    });
  });

  it('records a scope reset in a history that has statements only', async () => {
    const empty = await contexts.insertStarting('no-history', {}, false);
    expect(await statements.insertNote(empty.id, 'ScopeReset', 'reset')).toBeNull();
    const context = await contexts.insertStarting('history', {}, false);
    await statements.insert(context.id, '1');
    expect(await statements.insertNote(context.id, 'ScopeReset', 'reset')).toBe(1);
    expect((await statements.get(context.id, 1))!.output).toMatchObject({ execution_count: 1, ename: 'ScopeReset', evalue: 'reset' });
  });
});
