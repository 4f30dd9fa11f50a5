import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { hasChromium, launch, watchedPage, type WatchedPage } from './browser';
import { rest, type Rest } from './fixtures';

/** The jobs page's search box, status counts and "Older" paging (ui.e2e-spec.ts is at its size limit). */
describe.skipIf(!hasChromium)('jobs page search and paging in Chromium', () => {
  let server: TestServer;
  let api: Rest;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  const seeded = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launch()]);
    api = rest(server.url);
    watched = await watchedPage(browser, 1280);
    page = watched.page;
    // 30 ended filler jobs (more than a page) and, newest, the two jobs searched for.
    await server.query(
      `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at, start_time, end_time, event_seq)
       SELECT gen_random_uuid(), 'filler', repeat('a', 64), 'Fill', 'fill-ctx',
              CASE WHEN i % 3 = 0 THEN 'ERROR' ELSE 'FINISHED' END, '{}',
              now() - interval '1 minute' * i, now() - interval '1 minute' * i, now() - interval '1 minute' * i, 3
         FROM generate_series(1, 30) AS i`,
    );
    for (const [i, app] of ['search-me', 'other-app'].entries()) {
      await server.query(
        `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at, start_time, end_time, event_seq)
         VALUES ($1, $2, repeat('a', 64), 'Found', 'found-ctx', 'FINISHED', '{}', now(), now(), now(), 3)`,
        [seeded[i], app],
      );
    }
  });
  afterEach(() => expect(watched.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const count = (tab: RegExp, n: number) =>
    page.getByRole('tab', { name: tab }).locator('.count', { hasText: new RegExp(`^${n}$`) }).waitFor();

  it('shows real counts in the tabs and pages to older jobs and back', async () => {
    await page.goto(`${server.url}/#/jobs`);
    await count(/All/, 32);
    await count(/finished/, 22);
    await count(/error/, 10);
    const first = await page.locator('tr[data-job]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));
    expect(first).toHaveLength(25);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.locator(`tr[data-job="${first[0]}"]`).waitFor({ state: 'detached' });
    const older = await page.locator('tr[data-job]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));
    expect(older).toHaveLength(7);
    expect(older.filter((id) => first.includes(id))).toEqual([]);
    await expect(page.getByRole('button', { name: 'Older' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.locator(`tr[data-job="${first[0]}"]`).waitFor();
  });

  it('searches by app name prefix and by job id, counts following the search', async () => {
    await page.goto(`${server.url}/#/jobs`);
    const search = page.getByRole('searchbox', { name: 'Search jobs' });
    await search.fill('SEARCH-');
    await page.locator(`tr[data-job="${seeded[1]}"]`).waitFor({ state: 'detached' });
    await page.locator(`tr[data-job="${seeded[0]}"]`).waitFor();
    await expect(page.locator('tr[data-job]').count()).resolves.toBe(1);
    await count(/finished/, 1);
    await count(/error/, 0);
    await watched.shot('jobs-search');
    await search.fill(seeded[1]!);
    await page.locator(`tr[data-job="${seeded[0]}"]`).waitFor({ state: 'detached' });
    await page.locator(`tr[data-job="${seeded[1]}"]`).waitFor();
    await expect(page.locator('tr[data-job]').count()).resolves.toBe(1);
    await search.fill('');
    await count(/All/, 32);
    expect((await api.get('/jobs/counts')).body).toEqual({ QUEUED: 0, RUNNING: 0, FINISHED: 22, ERROR: 10, KILLED: 0 });
  });
});
