import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLE_BUNDLE,
  eventually,
  startTestServer,
  type TestServer,
} from '../../../test/support/server';
import { dropFile, hasChromium, launch, watchedPage, type WatchedPage } from './browser';
import { rest, SLOW_BUNDLE, type Rest } from './fixtures';

/** The pages in a real browser, one server through the whole flow (serving.e2e-spec.ts: `/` itself). */
describe.skipIf(!hasChromium)('web UI in Chromium', () => {
  let server: TestServer;
  let api: Rest;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  const open = async (hash: string) => {
    await page.goto(`${server.url}/#${hash}`);
    await page.locator('main h1').first().waitFor();
  };
  const submit = async (steps: number, stepMs: number) => {
    const res = await api.post(
      '/jobs?appName=ui-slow&classPath=Slow&context=ui-ctx',
      JSON.stringify({ steps, stepMs }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.jobId as string;
  };
  const progressValue = () => page.$eval('progress', (p) => (p as HTMLProgressElement).value);
  const logLines = async () =>
    ((await page.locator('pre.logs').textContent()) ?? '')
      .split('\n')
      .filter((l) => l.includes('step')).length;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launch()]);
    api = rest(server.url);
    watched = await watchedPage(browser, 1280);
    page = watched.page;
  });
  afterEach(() => expect(watched.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('uploads bundles by drag and drop and lists them with type, size and sha256', async () => {
    await open('/bundles');
    await page.getByLabel(/App name/).fill('test');
    await dropFile(
      page,
      '[data-testid=drop]',
      'jobserver-examples.mjs',
      readFileSync(EXAMPLE_BUNDLE, 'utf8'),
    );
    await page.locator('tr[data-bundle=test]').waitFor();
    await page.getByLabel(/App name/).fill('ui-slow');
    await dropFile(page, '[data-testid=drop]', 'slow.js', SLOW_BUNDLE);
    const row = page.locator('tr[data-bundle=ui-slow]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/js.*B.*[0-9a-f]{16}…/);
    expect((await api.get('/binaries/ui-slow')).body['binary-type']).toBe('js');
    // A second version of ui-slow: the Versions button lists both, newest first.
    await dropFile(page, '[data-testid=drop]', 'slow.js', `${SLOW_BUNDLE}// v2\n`);
    await page.getByText('Uploaded slow.js as ui-slow').waitFor();
    await row.getByRole('button', { name: 'Versions' }).click();
    const versions = page.locator('tr[data-version=ui-slow]');
    await versions.nth(1).waitFor();
    await expect(versions.locator('td:first-child').allTextContents()).resolves.toEqual([
      'v2 (latest)',
      'v1',
    ]);
    const shas = (await api.get('/binaries/ui-slow/versions')).body.map(
      (v: { sha256: string }) => v.sha256,
    );
    await expect(
      versions
        .locator('td[title]')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('title'))),
    ).resolves.toEqual(shas);
    await watched.shot('bundles');
  });

  it('creates a context with settings from the form and shows it running', async () => {
    await open('/contexts');
    await page.getByLabel('Name').fill('ui-ctx');
    await page.getByLabel(/Settings/).fill('num-cpu-cores=2\nmax-jobs-per-context=4\nteam=ui');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Context ui-ctx started').waitFor({ timeout: 60_000 });
    const row = page.locator('tr[data-context=ui-ctx]');
    await expect(row.locator('.badge').textContent()).resolves.toBe('RUNNING');
    await expect(row.textContent()).resolves.toContain('"team":"ui"');
    // The worker's memory from its heartbeats (GET /metrics), re-read every few seconds.
    await row
      .locator('td[data-memory]', { hasText: /MiB\s*heap [\d.]+ (KiB|MiB)/ })
      .waitFor({ timeout: 20_000 });
    await watched.shot('contexts');
  });

  it("lists a context's named objects with type and size, and deletes one", async () => {
    const ran = await api.post('/jobs?appName=test&classPath=NamedObjectsExample&context=ui-ctx&sync=true', 'name = numbers');
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    await open('/contexts');
    await page.locator('tr[data-context=ui-ctx]').getByRole('button', { name: 'Objects' }).click();
    const row = page.locator('[data-objects=ui-ctx] tr[data-object=numbers]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/numbers\s*Object\s*~[\d.]+ KiB/);
    // A snapshot of it, listed below the objects.
    await page.locator('[data-objects=ui-ctx]').getByRole('button', { name: 'Snapshot' }).click();
    await page.getByText(/^Snapshot [0-9a-f-]{36} taken: 1 object\(s\)/).waitFor();
    await page.locator('[data-objects=ui-ctx] tr[data-snapshot]', { hasText: 'numbers' }).waitFor();
    await watched.shot('context-objects');
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Dropped numbers').waitFor();
    await page.locator('[data-objects=ui-ctx]').getByText('No named objects.').waitFor();
    expect((await api.get('/contexts/ui-ctx/objects')).body).toEqual([]);
  });

  it('shows a running job live: the progress bar and the logs move, then the result', async () => {
    const jobId = await submit(25, 250);
    await open('/jobs');
    await page.locator(`tr[data-job="${jobId}"] a`).click();
    await page.locator('h1', { hasText: jobId }).waitFor();
    const first = await eventually(async () => {
      const value = await progressValue();
      return value > 0 && value < 1 ? { value, lines: await logLines() } : undefined;
    }, 30_000);
    const later = await eventually(async () => {
      const value = await progressValue();
      return value > first.value && (await logLines()) > first.lines ? value : undefined;
    }, 30_000);
    expect(later).toBeGreaterThan(first.value);
    await watched.shot('job-running');
    await page.locator('.badge.OK').waitFor({ timeout: 30_000 });
    await expect(progressValue()).resolves.toBe(1);
    await expect(logLines()).resolves.toBe(25);
    const box = await page.$eval('pre.logs', (e) => ({
      hidden: e.scrollHeight - e.clientHeight,
      top: e.scrollTop,
    }));
    expect(box.hidden).toBeGreaterThan(0); // 25 lines overflow the log box…
    expect(box.top).toBeGreaterThanOrEqual(box.hidden - 1); // …and it is scrolled to the newest
    await expect(page.locator('.timeline li b').allTextContents()).resolves.toEqual([
      'work',
      'wrap-up',
    ]);
    // The bars are proportional: 'work' took ~6 s, 'wrap-up' a moment, and it starts where work ends.
    const bars = await page.$$eval('.timeline .bar', (els) =>
      els.map((e) => ({
        left: parseFloat((e as HTMLElement).style.left),
        width: parseFloat((e as HTMLElement).style.width),
      })),
    );
    expect(bars[0]).toMatchObject({ left: 0 });
    expect(bars[0]!.width).toBeGreaterThan(90);
    expect(bars[1]!.left).toBeGreaterThan(90);
    await expect(page.locator('.json pre').first().textContent()).resolves.toContain('"steps": 25');
    await expect(page.locator('.json pre').nth(1).textContent()).resolves.toContain(
      '"stepMs": 250',
    );
    await watched.shot('job-finished');

    await page.getByRole('button', { name: 'Run again' }).click();
    await page.waitForFunction((id) => !location.hash.includes(id), jobId);
    const again = decodeURIComponent(await page.evaluate(() => location.hash))
      .split('/')
      .pop()!;
    const report = (await api.get(`/jobs/${again}`)).body;
    expect(report).toMatchObject({ appName: 'ui-slow', classPath: 'Slow', context: 'ui-ctx' });
    expect((await api.get(`/jobs/${again}/config`)).body).toEqual({ steps: 25, stepMs: 250 });
  }, 120_000);

  it('kills a running job from its row; the row turns KILLED live', async () => {
    const jobId = await submit(600, 100);
    await open('/jobs');
    const row = page.locator(`tr[data-job="${jobId}"]`);
    await eventually(
      async () => ((await row.locator('.badge').textContent()) === 'RUNNING' ? true : undefined),
      30_000,
    );
    await row.getByRole('button', { name: 'Kill' }).click();
    await row.locator('.badge.KILLED').waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: /killed/ }).click();
    await page.locator(`tr[data-job="${jobId}"]`).waitFor();
    // The counts are read beside the list and may land a moment after it.
    await page
      .getByRole('tab', { name: /killed/ })
      .locator('.count', { hasText: /^1$/ })
      .waitFor();
    expect((await api.get(`/jobs/${jobId}`)).body.status).toBe('KILLED');
    await watched.shot('jobs-killed');
  });

  it('draws the overview: counts, percentiles, the three charts and the processes', async () => {
    await open('/overview');
    await page.locator('.chart canvas').first().waitFor();
    // The first slow job, and the run-again one if it has ended by now.
    await expect(page.locator('[data-tile=FINISHED] dd').textContent()).resolves.toMatch(/^[12]$/);
    await expect(page.locator('[data-tile=KILLED] dd').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-tile=p50] dd').textContent()).resolves.toMatch(
      /^\d+\.\d{3} s$/,
    );
    await expect(page.locator('[data-tile=context-RUNNING] dd').textContent()).resolves.toBe('1');
    await page.locator('.u-legend', { hasText: 'finished' }).waitFor();
    await expect(page.locator('.chart canvas').count()).resolves.toBe(3);
    await expect(page.locator('[data-tile=wait-p50] dd').textContent()).resolves.toMatch(
      /^\d+\.\d{3} s$/,
    );
    for (const role of ['context-worker', 'gateway', 'scheduler'])
      await page.locator(`tr[data-process=${role}]`).first().waitFor();
    // The context's worker, beside the scheduler's spare (a context worker holding none).
    await page.locator('tr[data-process=context-worker]', { hasText: 'ui-ctx' }).waitFor();
    await watched.shot('overview');
  });

  it('creates a schedule from the form, shows its ticks with their jobs, pauses and deletes it', async () => {
    await open('/schedules');
    await page.getByLabel('Name').fill('ui-every');
    await page.getByLabel('App').fill('test');
    await page.getByLabel('Class path').fill('WordCountExample');
    await page.getByLabel(/^Context/).fill('ui-ctx');
    await page.getByLabel(/^When/).fill('every 1s');
    await page.getByLabel(/^Config/).fill('{"input": {"string": "a b a"}}');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Schedule ui-every created').waitFor();
    const row = page.locator('tr[data-schedule=ui-every]');
    await expect(row.textContent()).resolves.toContain('every 1s');
    await row.getByRole('button', { name: 'Runs' }).click();
    await page.locator('[data-runs=ui-every] .badge', { hasText: /OK|FINISHED/ }).first().waitFor({ timeout: 20_000 });
    await watched.shot('schedules');
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('.badge.PAUSED').waitFor();
    expect((await api.get('/schedules/ui-every')).body.paused).toBe(true);
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Schedule ui-every deleted').waitFor();
    expect((await api.get('/schedules/ui-every')).status).toBe(404);
    // A refusal is shown as the server words it.
    await page.getByLabel('Name').fill('ui-bad');
    await page.getByLabel(/^When/).fill('61 * * * *');
    await watched.expecting(/status of 400/, async () => {
      await page.getByRole('button', { name: 'Create' }).click();
      await page.getByText(/Constraint error, got value 61 expected range 0-59/).waitFor();
    });
  });

  it('shows the in-use refusal when a bundle with a running job is deleted', async () => {
    const jobId = await submit(600, 100);
    await open('/bundles');
    await watched.expecting(/status of 403/, async () => {
      await page.locator('tr[data-bundle=ui-slow]').getByRole('button', { name: 'Delete' }).click();
      await page.getByText(/403 .*Binary is in use by job\(s\)/).waitFor();
    });
    await expect(page.locator('tr[data-bundle=ui-slow]').count()).resolves.toBe(1);
    await watched.shot('bundles-in-use');
    await open('/contexts');
    await page
      .locator('tr[data-context=ui-ctx] td[data-running]', { hasText: /^[1-9]$/ })
      .waitFor();
    expect((await api.delete(`/jobs/${jobId}`)).status).toBe(200);
  });

  it('stops a context from its row', async () => {
    await open('/contexts');
    await page
      .locator('tr[data-context=ui-ctx]')
      .getByRole('button', { name: 'Stop', exact: true })
      .click();
    await page.getByText('Context ui-ctx stopped').waitFor({ timeout: 30_000 });
    await page.locator('tr[data-context=ui-ctx]').waitFor({ state: 'detached' });
    await watched.shot('contexts-stopped');
  });

  it('lays every page out at 390 px wide without horizontal page scroll', async () => {
    const narrow = await watchedPage(browser, 390);
    for (const hash of ['/jobs', '/contexts', '/bundles', '/schedules', '/console', '/overview']) {
      await narrow.page.goto(`${server.url}/#${hash}`);
      await narrow.page.locator('main h1').waitFor();
      await narrow.page
        .locator(hash === '/overview' ? '.chart canvas' : '.scroll, .empty')
        .first()
        .waitFor();
      const overflow = await narrow.page.evaluate(
        () => document.documentElement.scrollWidth - innerWidth,
      );
      expect(overflow, hash).toBeLessThanOrEqual(0);
      await narrow.shot(hash.slice(1));
    }
    const [latest] = (await api.get('/jobs?limit=1&status=FINISHED&appName=ui-slow')).body as Array<{
      jobId: string;
    }>;
    await narrow.page.goto(`${server.url}/#/jobs/${latest.jobId}`);
    await narrow.page.locator('.badge.OK').waitFor();
    await narrow.page.locator('pre.logs', { hasText: 'step' }).waitFor();
    expect(
      await narrow.page.evaluate(() => document.documentElement.scrollWidth - innerWidth),
    ).toBeLessThanOrEqual(0);
    await narrow.shot('job');
    expect(narrow.errors).toEqual([]);
    await narrow.page.close();
  });
});
