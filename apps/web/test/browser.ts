import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const SHOTS = path.join(__dirname, 'screenshots');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page that records every console error and uncaught exception, except those a step expects. */
export interface WatchedPage {
  page: Page;
  /** Console errors and page errors seen so far (the unexpected ones). */
  errors: string[];
  /** While `step` runs, console errors matching `pattern` are expected (e.g. the 403 of a refused delete). */
  expecting<T>(pattern: RegExp, step: () => Promise<T>): Promise<T>;
  shot(name: string): Promise<void>;
}

/** How long after an `expecting` step its errors still count as expected. */
const EXPECTED_SETTLE_MS = 1000;

export async function watchedPage(browser: Browser, width: number): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 900 } });
  const errors: string[] = [];
  let expected: RegExp | undefined;
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (expected?.test(message.text())) return;
    errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  mkdirSync(SHOTS, { recursive: true });
  return {
    page,
    errors,
    async expecting(pattern, step) {
      expected = pattern;
      try {
        return await step();
      } finally {
        // Requests the step set off may answer after it (a page's other reads refused with the
        // same 401): they are the step's, not stray errors.
        await page.waitForTimeout(EXPECTED_SETTLE_MS);
        expected = undefined;
      }
    },
    shot: async (name) => {
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    },
  };
}

/** Drops a file on `selector` as a user dragging it from the desktop would (DataTransfer built in the page). */
export async function dropFile(
  page: Page,
  selector: string,
  name: string,
  text: string,
): Promise<void> {
  await page.evaluate(
    ({ selector, name, text }) => {
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no ${selector}`);
      const data = new DataTransfer();
      data.items.add(new File([text], name, { type: 'text/javascript' }));
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(
          new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }),
        );
    },
    { selector, name, text },
  );
}
