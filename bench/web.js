#!/usr/bin/env node
'use strict';
// The web UI with 100 000 jobs in history (issue 13). Goals: jobs page first render ≤ 1 s,
// `GET /jobs` paging p50 ≤ 20 ms, first-load JS ≤ 250 KB (transferred).
//   node bench/web.js [--jobs 100000] [--n 20]
//     starts its own gateway + scheduler (bench/lib/jobserver.js; `npm run build` first), fills
//     its database with ended job rows by generate_series, then times in Debian's chromium
//     (/usr/bin/chromium, playwright-core): a fresh page's navigation to `/#/jobs` until the
//     first job row is drawn, and what the first load transferred; and over HTTP the page's
//     own reads: `GET /jobs?limit=25` and `GET /jobs?status=FINISHED&limit=1000` (a tab count),
//     filtered and searched pages, a deep keyset page (`before=` the 90 000th job) and
//     `GET /jobs/counts` (goal p50 ≤ 20 ms each). `--api-only` skips the browser.

const { chromium } = require('playwright-core');
const { request } = require('./lib/http-client');
const { startJobserver } = require('./lib/jobserver');
const { now, summarize } = require('./lib/stats');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const JOBS = option('--jobs', 100_000);
const N = option('--n', 20);
const API_ONLY = args.includes('--api-only');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function fill(target) {
  await target.query(
    `INSERT INTO jobs (id, app_name, bundle_sha, class_path, context_name, status, config, created_at, start_time, end_time, event_seq)
     SELECT gen_random_uuid(), 'app' || (i % 10), repeat('a', 64), 'Job', 'ctx' || (i % 10),
            CASE WHEN i % 10 = 0 THEN 'ERROR' ELSE 'FINISHED' END,
            '{}', now() - interval '1 second' * i, now() - interval '1 second' * i, now() - interval '1 second' * i + interval '5 ms', 3
       FROM generate_series(1, $1::int) AS i`,
    [JOBS],
  );
  // VACUUM, as autovacuum does to a table of this age: it sets the visibility map, so counts read
  // the (status, created_at) index alone. `--no-vacuum` times a freshly filled table instead.
  await target.query(args.includes('--no-vacuum') ? 'ANALYZE jobs' : 'VACUUM ANALYZE jobs');
}

async function timeGet(url, path) {
  const values = [];
  for (let i = 0; i < N; i += 1) {
    const t = now();
    const res = await request(url, 'GET', path);
    values.push(now() - t);
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
  }
  return summarize(values);
}

async function firstRenders(browser, url) {
  const values = [];
  let transferred;
  for (let i = 0; i < N; i += 1) {
    const context = await browser.newContext(); // a cold cache every time
    const page = await context.newPage();
    const t = now();
    await page.goto(`${url}/#/jobs`);
    await page.locator('tr[data-job]').first().waitFor();
    values.push(now() - t);
    transferred ??= await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/ui/'))
        .map((e) => ({ file: e.name.replace(/^.*\/ui\//, ''), sent: e.encodedBodySize, size: e.decodedBodySize })),
    );
    await context.close();
  }
  return { render: summarize(values), transferred };
}

/** The page reads of the jobs page: filters, search, a deep keyset page and the tab counts. */
async function apiPaths(target) {
  const [deep] = await target.query('SELECT id FROM jobs ORDER BY created_at DESC, id OFFSET $1 LIMIT 1', [
    Math.floor(JOBS * 0.9),
  ]);
  return [
    '/jobs?limit=25',
    '/jobs?limit=50&status=ERROR',
    '/jobs?status=FINISHED&limit=1000',
    '/jobs?limit=25&appName=app3',
    '/jobs?limit=25&context=ctx0&status=ERROR',
    '/jobs?limit=25&q=APP4',
    '/jobs?limit=25&q=nomatch',
    ...(deep ? [`/jobs?limit=25&before=${deep.id}`] : []),
    '/jobs/counts',
    '/jobs/counts?appName=app3',
    '/jobs/counts?q=app',
  ];
}

async function main() {
  const target = await startJobserver({ name: 'jobserver' });
  const browser = API_ONLY ? undefined : await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    await fill(target);
    console.log(`filled ${JOBS} jobs`);
    if (browser) {
      const { render, transferred } = await firstRenders(browser, target.url);
      console.log(`  jobs page first row drawn   p50 ${render.p50} ms  p90 ${render.p90}  max ${render.max}  (${N} cold loads)`);
      for (const r of transferred) console.log(`  first load ${r.file}: ${r.sent} B sent (${r.size} B decoded)`);
    }
    for (const path of await apiPaths(target)) {
      const s = await timeGet(target.url, path);
      const shown = path.replace(/before=[0-9a-f-]+/, 'before=<90%>');
      console.log(`  GET ${shown.padEnd(44)} p50 ${s.p50} ms  p90 ${s.p90}  max ${s.max}`);
    }
  } finally {
    await browser?.close();
    await target.stopProcesses();
    await target.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
