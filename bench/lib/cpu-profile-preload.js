'use strict';
// Preloaded into jobserver's processes by `npm run bench -- --cpu-profile` (through
// NODE_OPTIONS=--require, since --cpu-prof is not allowed there): samples the main thread; on
// SIGWINCH writes what it sampled since the last signal to <BENCH_PROFILE_DIR>/<label>-<app>-<pid>
// .cpuprofile (label: the text of <BENCH_PROFILE_DIR>/label) and starts sampling afresh.
// SIGWINCH because Nest's enableShutdownHooks() stops the app on SIGUSR2; its default is ignore.
// Summarize with `node bench/profile-summary.js <file>`, or open in Chrome DevTools.

const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread } = require('node:worker_threads');

const dir = process.env.BENCH_PROFILE_DIR;
if (isMainThread && dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const app = /apps\/([^/]+)\//.exec(process.argv[1] ?? '')?.[1] ?? 'node';
      let label = 'profile';
      try {
        label = fs.readFileSync(path.join(dir, 'label'), 'utf8').trim();
      } catch {
        // unlabelled
      }
      fs.writeFileSync(
        path.join(dir, `${label}-${app}-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
      session.post('Profiler.start');
    });
  });
}
