import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { hasChromium, launch, watchedPage, type WatchedPage } from './browser';
import { rest, type Rest } from './fixtures';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** How the gateway serves the UI at `/`, its first load, and the UI with auth off. */
describe.skipIf(!hasChromium)('the web UI served at /', () => {
  let server: TestServer;
  let api: Rest;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  const open = async (hash: string) => {
    await page.goto(`${server.url}/#${hash}`);
    await page.locator('main h1').first().waitFor();
  };

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

  it('serves the UI at / to browsers and keeps the JSON answer for other clients', async () => {
    const before = await fetch(`${server.url}/`, { headers: { accept: '*/*' } });
    expect(before.status).toBe(404);
    expect(before.headers.get('content-type')).toMatch(/application\/json/);
    expect(Object.keys(await before.json()).sort()).toEqual(['result', 'status']);
    const json = await fetch(`${server.url}/`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    const html = await fetch(`${server.url}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const script = (await html.text()).match(/src="(\/ui\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const gzipped = await fetch(`${server.url}${script}`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    const missing = await fetch(`${server.url}/ui/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(Object.keys(await missing.json()).sort()).toEqual(['result', 'status']);
    await open('/jobs');
    // What the first load of `/` transferred (the browser asks for br/gzip; bodies as sent).
    const sizes = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => {
        const r = e as PerformanceResourceTiming;
        return { name: r.name, sent: r.encodedBodySize, size: r.decodedBodySize };
      }),
    );
    const js = sizes.filter((r) => r.name.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    for (const r of js) expect(r.sent, r.name).toBeLessThan(r.size);
    console.log(
      'first load of / (bytes sent / decoded):',
      JSON.stringify(sizes.filter((r) => r.name.includes('/ui/'))),
    );
    await expect(page.locator('main h1').textContent()).resolves.toBe('Jobs');
    await page.locator('.empty').waitFor();
    // Auth is off: no sign-in, no principal in the header, every page in the nav.
    expect((await api.get('/auth/me')).body).toMatchObject({
      auth: false,
      name: null,
      permissions: ['*'],
    });
    await expect(page.locator('.who').count()).resolves.toBe(0);
    await expect(page.locator('.top nav a').allTextContents()).resolves.toEqual([
      'Jobs',
      'Contexts',
      'Bundles',
      'Schedules',
      'Console',
      'Overview',
    ]);
    await watched.shot('jobs-empty');
  });
});
