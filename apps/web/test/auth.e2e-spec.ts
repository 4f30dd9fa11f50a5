import { scryptSync } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { hasChromium, launch, watchedPage, type WatchedPage } from './browser';
import { rest, SLOW_BUNDLE, type Rest } from './fixtures';

const PASSWORD = 'correct horse';
/** The server config's `password-hash`: `scrypt:<salt hex>:<crypto.scryptSync(password, salt, 64) hex>`. */
const SALT = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const HASH = `scrypt:${SALT.toString('hex')}:${scryptSync(PASSWORD, SALT, 64).toString('hex')}`;
const USERS = {
  admin: { 'password-hash': HASH, permissions: ['*'] },
  viewer: { 'password-hash': HASH, permissions: ['jobs:read', 'contexts:read', 'binaries:read'] },
  builder: { 'password-hash': HASH, permissions: ['binaries'] },
};
const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

/** The UI with auth on: sign-in, the principal, permission-aware actions, 401 and 403. */
describe.skipIf(!hasChromium)('web UI with auth on, in Chromium', () => {
  let server: TestServer;
  let admin: Rest;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;
  let longJob: string;

  const signIn = async (user: string, password = PASSWORD) => {
    await page.getByRole('tab', { name: 'User and password' }).click();
    await page.getByLabel('User').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const open = async (hash: string) => {
    await page.evaluate((h) => (location.hash = h), hash);
    await page.locator('main h1').first().waitFor();
  };
  const submit = async (steps: number) => {
    const res = await admin.post(
      '/jobs?appName=ui-slow&classPath=Slow',
      JSON.stringify({ steps, stepMs: 100 }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.jobId as string;
  };

  beforeAll(async () => {
    const auth = { enabled: true, users: USERS, 'max-failures': 50 };
    [server, browser] = await Promise.all([
      startTestServer({ JOBSERVER_AUTH: JSON.stringify(auth) }),
      launch(),
    ]);
    admin = rest(server.url, basic('admin'));
    expect((await admin.post('/binaries/ui-slow', SLOW_BUNDLE)).status).toBe(201);
    longJob = await submit(600);
    watched = await watchedPage(browser, 1280);
    page = watched.page;
  });
  afterEach(() => expect(watched.errors).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for a sign-in, and shows a refused password as the 401 it is', async () => {
    // The first look at GET /auth/me without credentials answers 401: the browser logs it.
    await watched.expecting(/status of 401/, async () => {
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await expect(page.locator('.top nav').count()).resolves.toBe(0);
      await signIn('viewer', 'wrong');
      await page.getByText('401 ERROR: authentication required').waitFor();
    });
    await watched.shot('signin');
    const narrow = await watchedPage(browser, 390);
    await narrow.expecting(/status of 401/, async () => {
      await narrow.page.goto(`${server.url}/`);
      await narrow.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    });
    await narrow.shot('signin');
    expect(narrow.errors).toEqual([]);
    await narrow.page.close();
  });

  it('signs in with user and password, shows the principal and hides or disables what it may not do', async () => {
    await signIn('viewer');
    await page.locator('[data-principal]', { hasText: 'viewer' }).waitFor();
    await expect(page.locator('.top nav a').allTextContents()).resolves.toEqual([
      'Jobs',
      'Contexts',
      'Bundles',
      'Schedules',
      'Overview',
    ]);
    // Jobs: the running job is listed, without a Kill button; its page has no Kill nor Run again.
    const row = page.locator(`tr[data-job="${longJob}"]`);
    await row.locator('.badge.RUNNING').waitFor({ timeout: 30_000 });
    await expect(row.getByRole('button').count()).resolves.toBe(0);
    await watched.shot('jobs-viewer');
    await row.locator('a').click();
    await page.locator('h1', { hasText: longJob }).waitFor();
    await page.locator('.timeline li[data-stage=work]').waitFor();
    await expect(page.getByRole('button', { name: /Kill|Run again/ }).count()).resolves.toBe(0);
    // Contexts: creating is disabled and says why; Objects (contexts:read) but no Stop buttons; no memory without metrics:read.
    await open('/contexts');
    await page.locator('[data-needs="contexts:start"]').waitFor();
    await expect(page.getByRole('button', { name: 'Create' }).isDisabled()).resolves.toBe(true);
    const context = page.locator('tr[data-context]').first();
    await context.waitFor();
    await expect(context.getByRole('button').allTextContents()).resolves.toEqual(['Objects']);
    await expect(context.locator('td[data-memory]').textContent()).resolves.toBe('–');
    await watched.shot('contexts-viewer');
    // Bundles: no upload (the drop zone is disabled), versions yes, Delete no; owners shown.
    await open('/bundles');
    await page.locator('[data-needs="binaries:upload"]').waitFor();
    await expect(page.locator('input[type=file]').isDisabled()).resolves.toBe(true);
    const bundle = page.locator('tr[data-bundle=ui-slow]');
    await expect(bundle.textContent()).resolves.toContain('admin');
    await expect(bundle.getByRole('button').allTextContents()).resolves.toEqual(['Versions']);
    await watched.shot('bundles-viewer');
    // Schedules: listed, but creating one is disabled and says why.
    await open('/schedules');
    await page.locator('[data-needs="jobs:start"]').waitFor();
    await open('/overview');
    await page.locator('[data-needs="metrics:read"]').waitFor();
    // The credentials live in this tab's sessionStorage: a reload stays signed in.
    await page.reload();
    await page.locator('[data-principal]', { hasText: 'viewer' }).waitFor();
    // The same at 390 px (a page of its own: it signs in again).
    const narrow = await watchedPage(browser, 390);
    await narrow.expecting(/status of 401/, async () => {
      await narrow.page.goto(`${server.url}/#/bundles`);
      await narrow.page.getByLabel('User').fill('viewer');
    });
    await narrow.page.getByLabel('Password').fill(PASSWORD);
    await narrow.page.getByRole('button', { name: 'Sign in' }).click();
    await narrow.page.locator('tr[data-bundle=ui-slow]').waitFor();
    const overflow = await narrow.page.evaluate(
      () => document.documentElement.scrollWidth - innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await narrow.shot('bundles-viewer');
    expect(narrow.errors).toEqual([]);
    await narrow.page.close();
  });

  it('shows a 403 as such when the principal lacks a page’s permission', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    await signIn('builder');
    await page.locator('[data-principal]', { hasText: 'builder' }).waitFor();
    await expect(page.locator('.top nav a').allTextContents()).resolves.toEqual([
      'Bundles',
      'Overview',
    ]);
    await watched.expecting(/status of 403/, async () => {
      await open('/jobs');
      await page.getByText('403 ERROR: permission jobs:read required').first().waitFor();
    });
    await watched.shot('jobs-403');
  });

  it('signs in with an API key, follows live events with it, and returns to the sign-in when it is revoked', async () => {
    const created = await admin.post(
      '/auth/keys',
      JSON.stringify({ name: 'ui', permissions: ['*'] }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByLabel('API key').fill(created.body.result.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-principal]', { hasText: 'admin' }).waitFor();
    await open('/jobs');
    await page.locator(`tr[data-job="${longJob}"]`).waitFor();
    // A job submitted now shows up without a reload: GET /events read with the key's header.
    const fresh = await submit(600);
    const row = page.locator(`tr[data-job="${fresh}"]`);
    await row.locator('.badge.RUNNING').waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Kill' }).click();
    await row.locator('.badge.KILLED').waitFor({ timeout: 30_000 });
    await watched.shot('jobs-key');
    expect((await admin.delete(`/auth/keys/${created.body.result.id}`)).status).toBe(200);
    await watched.expecting(/status of 401/, async () => {
      await page.getByRole('tab', { name: /killed/ }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByText('401 ERROR: authentication required').waitFor();
    });
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    expect((await admin.delete(`/jobs/${longJob}`)).status).toBe(200);
  });
});
