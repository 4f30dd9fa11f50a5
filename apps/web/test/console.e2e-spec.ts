import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { hasChromium, launch, watchedPage, type WatchedPage } from './browser';
import { rest, type Rest } from './fixtures';

/** The console page: statements and their outputs, cancel, input history and completion. */
describe.skipIf(!hasChromium)('console in Chromium', () => {
  let server: TestServer;
  let api: Rest;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  const editor = () => page.getByLabel(/Statement/);
  const runStatement = async (code: string, id: number) => {
    await editor().fill(code);
    await page.getByRole('button', { name: 'Run' }).click();
    const item = page.locator(`li[data-statement="${id}"]`);
    await item.waitFor();
    return item;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launch()]);
    api = rest(server.url);
    watched = await watchedPage(browser, 1280);
    page = watched.page;
    const created = await api.post('/contexts/ui-console');
    expect(created.status, JSON.stringify(created.body)).toBe(200);
  });
  afterEach(() => expect(watched.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs statements in the context: text, JSON, an error with traceback, a cancel', async () => {
    await page.goto(`${server.url}/#/console`);
    await expect(page.getByLabel('Context').inputValue()).resolves.toBe('ui-console');
    const text = await runStatement('const x = 21; x * 2', 0);
    await expect(text.getByLabel('text output').textContent()).resolves.toBe('42');
    const json = await runStatement('({ a: 1, b: [x, 2] })', 1);
    // The JSON tree: keys and values, the array folding and unfolding by its summary.
    const tree = json.getByLabel('JSON output');
    await expect(tree.textContent()).resolves.toMatch(/a: 1.*b: \[.*2 items.*0: 21.*1: 2/s);
    const array = tree.locator('details details').first();
    await expect(array.getAttribute('open')).resolves.toBe('');
    await array.locator('summary').click();
    await expect(array.getAttribute('open')).resolves.toBeNull();
    await array.locator('summary').click();
    const error = await runStatement("throw new TypeError('nope')", 2);
    await expect(error.getByLabel('error').textContent()).resolves.toMatch(/^TypeError: nope\n/);
    const slow = await runStatement('await new Promise((r) => setTimeout(r, 60_000))', 3);
    await slow.getByRole('button', { name: 'Cancel' }).click();
    await slow.getByText('cancelled', { exact: true }).waitFor({ timeout: 30_000 });
    await watched.shot('console');
  }, 120_000);

  it('walks the statement history with Up and Down, back to the draft', async () => {
    // The cancelled statement outlived kill-grace: the executor was replaced, and the server
    // added a codeless statement saying so (ScopeReset). It is not part of the input history.
    await eventually(async () => {
      const { body } = await api.get('/contexts/ui-console/statements');
      return body.statements[4]?.state === 'available' ? true : undefined;
    }, 30_000);
    // A fresh page: the history comes from the server (GET /contexts/<name>/statements).
    await page.reload();
    await page.getByRole('heading', { name: 'History of ui-console (5)' }).waitFor();
    await expect(page.locator('li[data-statement="4"]').textContent()).resolves.toContain(
      'ScopeReset',
    );
    await editor().fill('draft');
    await editor().press('ArrowUp');
    await expect(editor().inputValue()).resolves.toBe(
      'await new Promise((r) => setTimeout(r, 60_000))',
    );
    await editor().press('ArrowUp');
    await editor().press('ArrowUp');
    await expect(editor().inputValue()).resolves.toBe('({ a: 1, b: [x, 2] })');
    for (let i = 0; i < 3; i++) await editor().press('ArrowDown');
    await expect(editor().inputValue()).resolves.toBe('draft');
    // Ctrl+Enter runs what the history brought back.
    for (let i = 0; i < 5; i++) await editor().press('ArrowUp'); // the 5th stays at the oldest
    await expect(editor().inputValue()).resolves.toBe('const x = 21; x * 2');
    await editor().press('Control+Enter');
    const again = page.locator('li[data-statement="5"]');
    await expect(again.getByLabel('text output').textContent()).resolves.toBe('42');
  });

  it('completes with Tab: one candidate is inserted, several are listed to pick from', async () => {
    await page.reload();
    await page.getByRole('heading', { name: /History of ui-console/ }).waitFor();
    await editor().fill('x.toFi');
    await editor().press('Tab');
    await page.waitForFunction(
      () => (document.querySelector('textarea') as HTMLTextAreaElement).value === 'x.toFixed',
    );
    await editor().fill('named');
    await editor().press('Tab');
    const list = page.getByRole('listbox', { name: 'completions' });
    await list.waitFor();
    await expect(list.getByRole('option').allTextContents()).resolves.toEqual([
      'namedObjects',
      'namedRdds',
    ]);
    await watched.shot('console-completion');
    await editor().press('ArrowDown');
    await editor().press('Enter');
    await expect(editor().inputValue()).resolves.toBe('namedRdds');
    await expect(list.count()).resolves.toBe(0);
    // Tab with no name before the cursor leaves the editor, as Tab does.
    await editor().fill('');
    await editor().press('Tab');
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('BUTTON');
  });

  it('lays the console out at 390 px wide without horizontal page scroll', async () => {
    const narrow = await watchedPage(browser, 390);
    await narrow.page.goto(`${server.url}/#/console`);
    await narrow.page.locator('li[data-statement="5"]').waitFor();
    await narrow.page.getByLabel(/Statement/).fill('named');
    await narrow.page.getByLabel(/Statement/).press('Tab');
    await narrow.page.getByRole('listbox', { name: 'completions' }).waitFor();
    const overflow = await narrow.page.evaluate(
      () => document.documentElement.scrollWidth - innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await narrow.shot('console-completion');
    expect(narrow.errors).toEqual([]);
    await narrow.page.close();
  });
});
