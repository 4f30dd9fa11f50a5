import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobserverClient } from '@jobserver/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOlderServer } from '../../../test/support/older-server';
import { EXAMPLE_BUNDLE, eventually, startTestServer, type TestServer } from '../../../test/support/server';
import { cli, type CliRun } from './cli-harness';

const ROOT = path.resolve(__dirname, '../../..');
/** A stack trace's frame line: never shown to the user. */
const STACK = /\n\s+at \S+ \(/;
/** Nothing a terminal would interpret: no colour or cursor escapes, no bar characters. */
const plain = (run: CliRun) => !/\x1b|█|░/.test(run.stdout + run.stderr);

describe('jobserver CLI against a real server', () => {
  let server: TestServer;
  let client: JobserverClient;
  let env: Record<string, string>;
  let tmp: string;
  const js = (...args: string[]) => cli(args, { env });

  beforeAll(async () => {
    server = await startTestServer();
    client = new JobserverClient({ url: server.url });
    env = { JOBSERVER_URL: server.url };
    tmp = mkdtempSync(path.join(os.tmpdir(), 'jobserver-cli-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('uploads a bundle file as is, and a folder or a .ts entry bundled with esbuild', async () => {
    const file = await js('upload', 'test', EXAMPLE_BUNDLE);
    expect(file).toMatchObject({ code: 0, stderr: '' });
    expect(file.stdout).toMatch(/^✔ uploaded test \(.*jobserver-examples\.mjs, \d+\.\d KiB\)\n$/);
    const folder = await js('upload', 'folder', path.join(ROOT, 'examples'));
    expect(folder.stdout).toContain(`uploaded folder (bundled from ${path.join(ROOT, 'examples/src/index.ts')}`);
    const entry = await js('upload', 'entry', path.join(ROOT, 'examples/src/word-count.job.ts'), '--json');
    expect(JSON.parse(entry.stdout)).toEqual({ status: 'SUCCESS' });
    const apps = await js('apps');
    expect(apps.stdout.split('\n')[0]).toMatch(/^APP\s+TYPE\s+UPLOADED$/);
    expect(Object.keys(JSON.parse((await js('apps', '--json')).stdout)).sort()).toEqual(['entry', 'folder', 'test']);
    expect(plain(apps)).toBe(true);
  });

  it('creates, lists, describes and removes contexts', async () => {
    expect(await js('contexts', 'create', 'cli', '-s', 'max-jobs-per-context=4', '--set', 'color=blue')).toMatchObject({
      code: 0,
      stdout: '✔ context cli is running\n',
    });
    expect(JSON.parse((await js('contexts', 'ls', '--json')).stdout)).toEqual(['cli']);
    expect((await js('contexts', 'ls')).stdout).toMatch(/^NAME\s+STATE\s+RUNNING\s+KIND\s+STARTED\ncli\s+RUNNING\s+0\s+\d{4}-/);
    expect(JSON.parse((await js('contexts', 'get', 'cli', '--json')).stdout)).toMatchObject({ name: 'cli', settings: { color: 'blue' } });
    await js('contexts', 'create', 'gone');
    expect(await js('contexts', 'rm', 'gone', '--force')).toMatchObject({ code: 0, stdout: '✔ context gone stopped\n' });
    expect(await js('contexts', 'rm', 'gone')).toMatchObject({ code: 1, stderr: 'jobserver: context gone not found\n' });
  });

  it('takes and lists snapshots of a context, restored with contexts create -s snapshot=<id>', async () => {
    await js('contexts', 'create', 'snapped');
    await client.submit({ appName: 'test', classPath: 'NamedObjectsExample', context: 'snapped' }, { name: 'kept' }, { wait: true });
    const taken = await js('contexts', 'snapshot', 'snapped');
    expect(taken).toMatchObject({ code: 0, stderr: '' });
    const [, id] = /^✔ snapshot (\S+) of snapped: 1 object\(s\), \d+ bytes\n$/.exec(taken.stdout) ?? [];
    expect(id).toBeTruthy();
    expect((await js('contexts', 'snapshots', 'snapped')).stdout).toMatch(new RegExp(`^ID\\s+CREATED\\s+OBJECTS\\s+SKIPPED\\s+BYTES\n${id}\\s+\\d{4}-\\S+ \\S+\\s+kept\\s+0\\s+\\d+\n$`));
    expect(JSON.parse((await js('contexts', 'snapshots', 'snapped', '--json')).stdout)).toMatchObject([{ id, objects: ['kept'] }]);
    expect(await js('contexts', 'create', 'unsnapped', '-s', `snapshot=${id}`)).toMatchObject({ code: 0, stdout: '✔ context unsnapped is running\n' });
    expect(await js('contexts', 'snapshots', 'never')).toMatchObject({ code: 1, stderr: 'jobserver: context never not found\n' });
  });

  it('runs a job to its result (exit 0), with --config (HOCON) and -c values over it', async () => {
    const config = path.join(tmp, 'job.conf');
    writeFileSync(config, 'input.string = "x y"\n# a comment\nextra { n = 1 }\n');
    const run = await js('run', 'test', 'WordCountExample', '--context', 'cli', '--config', config, '-c', 'input.string=a b a');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✔ job [0-9a-f-]{36} finished in [\d.]+ secs\n/);
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toEqual({ a: 2, b: 1 });
    expect(run.stderr).toMatch(/^job [0-9a-f-]{36} started in context cli\n$/);
    expect(plain(run)).toBe(true);
    const jobId = /job ([0-9a-f-]{36})/.exec(run.stdout)![1];
    expect(await client.jobs.config(jobId)).toEqual({ input: { string: 'a b a' }, extra: { n: 1 } });
  });

  it('streams stages and log lines as plain lines when stdout is not a terminal', async () => {
    const run = await js('run', 'test', 'ProgressExample', '--context', 'cli', '-c', 'steps=3', '-c', 'lines=2');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['stage count', 'stage log']);
    expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d INFO line 0 \{"i":0\}$/);
    expect(lines[3]).toMatch(/^\d\d:\d\d:\d\d INFO line 1 \{"i":1\}$/);
    expect(lines[4]).toBe('stage done');
    expect(plain(run)).toBe(true);
  });

  it('exits 1 with the error and its frames when the job fails, and when validation fails', async () => {
    const failed = await js('run', 'test', 'FailingExample', '--context', 'cli', '-c', 'errorClass=RangeError', '-c', 'message="out of range"');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^✖ job [0-9a-f-]{36} failed: RangeError: out of range\n {4}at /);
    const invalid = await js('run', 'test', 'WordCountExample', '--context', 'cli');
    expect(invalid).toMatchObject({ code: 1, stdout: '', stderr: 'jobserver: validation failed: No input.string config param\n' });
    const unknown = await js('run', 'nope', 'X');
    expect(unknown).toMatchObject({ code: 1, stderr: 'jobserver: appName nope not found\n' });
  });

  it('exits 130 when the job it follows is killed', async () => {
    const running = js('run', 'test', 'LongRunningExample', '--context', 'cli', '-c', 'durationMs=30000');
    const job = await eventually(async () => (await client.jobs.list({ status: 'RUNNING' }))[0]);
    const kill = await js('jobs', 'kill', job.jobId);
    expect(kill).toMatchObject({ code: 0, stdout: `✖ job ${job.jobId} killed\n` });
    const run = await running;
    expect(run.code).toBe(130);
    expect(run.stdout).toBe(`✖ job ${job.jobId} was killed\n`);
  });

  it('detaches, runs sync, and prints only the final report with --json', async () => {
    const detached = await js('run', 'test', 'WordCountExample', '--context', 'cli', '-c', 'input.string=d', '--detach');
    expect(detached.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(await client.waitFor(detached.stdout.trim())).toMatchObject({ result: { d: 1 } });
    const sync = await js('run', 'test', 'WordCountExample', '--context', 'cli', '-c', 'input.string=s s', '--sync');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/finished in [\d.]+ secs\n\{\n {2}"s": 2\n\}\n$/);
    const json = await js('run', 'test', 'ProgressExample', '--context', 'cli', '-c', 'steps=2', '-c', 'lines=1', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'OK', result: { steps: 2, lines: 1 }, stages: [{ name: 'count' }, { name: 'log' }, { name: 'done' }] });
  });

  it('lists jobs as a table or JSON, shows one, and prints or follows its logs', async () => {
    const table = await js('jobs', 'ls', '--status', 'finished', '--limit', '2');
    const [head, ...rows] = table.stdout.trim().split('\n');
    expect(head).toMatch(/^JOB ID\s+STATUS\s+APP\s+CLASSPATH\s+CONTEXT\s+STARTED\s+DURATION$/);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => /\sFINISHED\s/.test(row))).toBe(true);
    const listed = JSON.parse((await js('jobs', 'ls', '--json', '--status', 'ERROR')).stdout) as Array<{ classPath: string }>;
    expect(listed.map((job) => job.classPath)).toEqual(['WordCountExample', 'FailingExample']);
    const progress = (await client.jobs.list({ classPath: 'ProgressExample', limit: 1 }))[0];
    const shown = await js('jobs', 'get', progress.jobId);
    expect(shown.stdout).toContain(`test ProgressExample in cli`);
    expect(shown.stdout).toMatch(/ {2}stage count: [\d.]+ secs\n/);
    expect(JSON.parse((await js('jobs', 'get', progress.jobId, '--json')).stdout)).toMatchObject({ jobId: progress.jobId, status: 'OK' });
    expect((await js('jobs', 'logs', progress.jobId)).stdout).toMatch(/^\S+ INFO line 0 \{"i":0\}\n$/);
    const { jobId } = await client.submit({ appName: 'test', classPath: 'ProgressExample', context: 'cli' }, { steps: 10, lines: 3, stepMs: 50 });
    const followed = await js('jobs', 'logs', jobId, '-f');
    expect(followed.code).toBe(0);
    expect(followed.stdout.split('\n').filter(Boolean).map((line) => line.replace(/^\S+ /, ''))).toEqual([
      'INFO line 0 {"i":0}',
      'INFO line 1 {"i":1}',
      'INFO line 2 {"i":2}',
    ]);
    expect(followed.stderr).toBe(`job ${jobId} ended OK\n`);
  });

  it('creates, lists, shows, pauses, resumes and removes schedules; the client drives them too', async () => {
    const created = await js('schedules', 'create', 'nightly', 'test', 'WordCountExample', '--context', 'cli', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '-c', 'input.string="a b a"', '--priority', '60');
    expect(created, created.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^✔ schedule nightly created, first run /);
    const table = await js('schedules', 'ls');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+WHEN\s+JOB\s+CONTEXT\s+NEXT\s+LAST$/);
    expect(table.stdout).toMatch(/nightly\s+cron 0 3 \* \* \* \(Europe\/Berlin\)\s+test WordCountExample\s+cli/);
    const shown = JSON.parse((await js('schedules', 'get', 'nightly', '--json')).stdout);
    expect(shown).toMatchObject({ name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin', priority: 60, config: { input: { string: 'a b a' } }, lastJobs: [] });
    expect((await js('schedules', 'pause', 'nightly')).stdout).toBe('✔ schedule nightly paused\n');
    expect((await client.schedules.get('nightly')).paused).toBe(true);
    expect((await js('schedules', 'resume', 'nightly')).stdout).toMatch(/^✔ schedule nightly resumed, next run /);
    const bad = await js('schedules', 'create', 'bad', 'test', 'WordCountExample', '--cron', '61 * * * *');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Constraint error, got value 61 expected range 0-59');
    expect((await js('schedules', 'create', 'bad', 'test', 'WordCountExample')).code).toBe(2);
    expect((await js('schedules', 'rm', 'nightly')).stdout).toBe('✔ schedule nightly deleted\n');
    expect(await client.schedules.list()).toEqual([]);
  });

  it('says what the server says when a request is refused: keys need auth on', async () => {
    expect(await js('keys', 'create', 'ci', '-p', 'jobs')).toMatchObject({ code: 1, stderr: 'jobserver: API keys need auth.enabled = true\n' });
  });

  it('runs console input from a pipe, one statement per complete input', async () => {
    const session = await cli(['console', 'cli'], { env, input: 'const xs = [1,\n  2, 3]\nxs.length\nnot.defined\n' });
    expect(session.code).toBe(0);
    expect(session.stdout).toBe('3\nReferenceError: not is not defined\n    at statement-2:1:1\n');
    const syntax = await cli(['console', 'cli'], { env, input: 'a b\n' });
    expect(syntax.stdout).toMatch(/^SyntaxError: /);
  });

  describe('bad input', () => {
    it('exits 2 with usage for an unknown subcommand or flag, or a missing argument', async () => {
      for (const args of [['bogus'], ['jobs', 'bogus'], ['apps', '--bogus'], ['run', 'test'], ['jobs', 'ls', '--limit', 'x'], ['jobs']]) {
        const run = await js(...args);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
      expect((await js('bogus')).stderr).toBe("error: unknown command 'bogus'\n(run jobserver --help for usage)\n");
      expect(await js('contexts', 'create', 'x', '-s', 'novalue')).toMatchObject({ code: 2, stderr: 'jobserver: --set takes key=value, not novalue\n' });
      expect(await js('run', 'test', 'X', '--sync', '--timeout', '0')).toMatchObject({ code: 2, stderr: 'jobserver: --timeout takes a positive number, not 0\n' });
      expect(await js('run', 'test', 'X', '-c', '=1')).toMatchObject({ code: 2, stderr: 'jobserver: -c takes key=value, not =1\n' });
      // Values only the server can judge get its answer (exit 1).
      expect(await js('jobs', 'ls', '--status', 'bogus')).toMatchObject({
        code: 1,
        stderr: 'jobserver: status must be one of QUEUED, RUNNING, FINISHED, ERROR, KILLED\n',
      });
      expect((await js('apps', '--bogus')).stderr).toBe("error: unknown option '--bogus'\n(run jobserver apps --help for usage)\n");
    });

    it('says in one line, naming the URL, that a server is unreachable (exit 2)', async () => {
      const down = `http://127.0.0.1:${await closedPort()}`;
      const run = await cli(['apps'], { env: { JOBSERVER_URL: down } });
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe(`jobserver: cannot reach the jobserver at ${down} (from JOBSERVER_URL): connect ECONNREFUSED ${down.slice(7)}\n`);
    });

    it("gives the parser's message with the line for a profile file or a config file that does not parse", async () => {
      const profiles = path.join(tmp, 'profiles.conf');
      writeFileSync(profiles, `current = here\nprofiles {\n  here { url = "${server.url}" }\n  broken { url = http://x }\n}\n`);
      const badProfiles = await cli(['apps', '--profiles', profiles]);
      expect(badProfiles).toMatchObject({ code: 2, stdout: '' });
      expect(badProfiles.stderr).toBe(`jobserver: the profile file ${profiles} does not parse: expected a comma or a newline, not ':' at line 4, column 22\n`);
      writeFileSync(profiles, `current = here\nprofiles {\n  here { url = "${server.url}" }\n}\n`);
      expect(await cli(['apps', '--json', '--profiles', profiles])).toMatchObject({ code: 0 });
      expect(await cli(['apps', '--profiles', profiles, '--profile', 'prod'])).toMatchObject({ code: 2, stderr: `jobserver: no profile prod in ${profiles} (profiles: here)\n` });
      const config = path.join(tmp, 'bad.conf');
      writeFileSync(config, 'input {\n  string = "a b"\n');
      const badConfig = await js('run', 'test', 'WordCountExample', '--config', config);
      expect(badConfig).toMatchObject({ code: 2, stdout: '' });
      expect(badConfig.stderr).toBe(`jobserver: the config file ${config} does not parse: unclosed {: expected } at line 2, column 17\n`);
    });

    it('refuses a folder without an entry and a .ts entry that does not build', async () => {
      const empty = path.join(tmp, 'empty');
      mkdirSync(empty);
      const noEntry = await js('upload', 'x', empty);
      expect(noEntry).toMatchObject({ code: 2, stdout: '' });
      expect(noEntry.stderr).toMatch(new RegExp(`^jobserver: ${empty} has no entry: looked for src/index.ts, .* and package.json "main"\\n$`));
      const broken = path.join(tmp, 'broken.ts');
      writeFileSync(broken, 'export const x = ;\n');
      const build = await js('upload', 'x', broken);
      expect(build).toMatchObject({ code: 2, stderr: `jobserver: cannot bundle ${broken}: ${broken}:1:17: Unexpected ";"\n` });
      expect(await js('upload', 'x', path.join(tmp, 'missing.js'))).toMatchObject({ code: 2 });
    });

    it('says clearly when the server has no route the command needs (an older server), and follows a job without the events route', async () => {
      const older = await startOlderServer(server.url, (_method, p) => p.includes('/statements') || p.endsWith('/events'));
      try {
        const console = await cli(['console', 'cli'], { env: { JOBSERVER_URL: older.url } });
        expect(console).toMatchObject({
          code: 1,
          stdout: '',
          stderr: `jobserver: the jobserver at ${older.url} has no route GET /contexts/cli/statements: it is older than this CLI\n`,
        });
        const run = await cli(['run', 'test', 'WordCountExample', '--context', 'cli', '-c', 'input.string=o'], { env: { JOBSERVER_URL: older.url } });
        expect(run.code).toBe(0);
        expect(run.stderr).toContain('this server has no events route (older than this CLI): following the status only\n');
        expect(run.stdout).toMatch(/finished in [\d.]+ secs\n\{\n {2}"o": 1\n\}\n$/);
      } finally {
        await older.close();
      }
    });
  });

  describe('Ctrl-C (SIGINT, stdout not a terminal)', () => {
    it('leaves a followed job running, says so and exits 130', async () => {
      let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
      const running = cli(['run', 'test', 'LongRunningExample', '--context', 'cli', '-c', 'durationMs=30000'], { env, started: (c) => (child = c) });
      const job = await eventually(async () => (await client.jobs.list({ status: 'RUNNING', classPath: 'LongRunningExample' }))[0]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      child!.kill('SIGINT');
      const run = await running;
      expect(run.code).toBe(130);
      expect(run.stdout).toBe(`job ${job.jobId} left running; follow it with: jobserver jobs logs -f ${job.jobId}\n`);
      expect(run.stderr).not.toMatch(STACK);
      expect((await client.jobs.get(job.jobId)).status).toBe('RUNNING');
      await client.jobs.kill(job.jobId);
    });

    it('stops a context it was creating, so none is left half-wanted', async () => {
      let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
      // num-cpu-cores other than the defaults' needs a cold start (README "Warm spares"): a spare
      // would make the context RUNNING before the interrupt could land.
      const creating = cli(['contexts', 'create', 'half', '-s', 'num-cpu-cores=3'], { env, started: (c) => (child = c) });
      await eventually(async () => ((await client.contexts.list()).includes('half') ? true : undefined));
      child!.kill('SIGINT');
      const run = await creating;
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/^interrupted: stopping context half, which was starting…\n/);
      expect(run.stderr).not.toMatch(STACK);
      await eventually(async () => (!(await client.contexts.list()).includes('half') ? true : undefined));
    });

    it('never leaves an upload or an init half done, whenever it comes', async () => {
      for (const [i, delay] of [0, 100, 250, 500].entries()) {
        let child: { kill(signal: NodeJS.Signals): boolean } | undefined;
        const app = `interrupted-${i}`;
        const project = path.join(tmp, `project-${i}`);
        const upload = cli(['upload', app, path.join(ROOT, 'examples')], { env, started: (c) => (child = c) });
        const init = cli(['init', project], { started: (c) => setTimeout(() => c.kill('SIGINT'), delay) });
        setTimeout(() => child!.kill('SIGINT'), delay);
        const [uploaded, initialized] = await Promise.all([upload, init]);
        for (const run of [uploaded, initialized]) {
          // Before the CLI took Ctrl-C over (the first milliseconds), the signal ends it as any program.
          expect(run.signal === 'SIGINT' || run.code === 0 || run.code === 130, `${run.code} ${run.stderr}`).toBe(true);
          expect(run.stderr).not.toMatch(STACK);
        }
        const apps = await client.binaries.list();
        expect(app in apps, `${delay} ms: ${uploaded.stdout} ${uploaded.stderr}`).toBe(uploaded.stdout.includes(`uploaded ${app}`));
        const written = existsSync(project) ? readdirSync(project).sort() : [];
        expect(written, `${delay} ms`).toEqual(initialized.code === 0 ? ['.gitignore', 'README.md', 'build.mjs', 'deploy.mjs', 'package.json', 'src', 'test', 'tsconfig.json'] : []);
        expect(readdirSync(tmp).filter((name) => name.includes('.init-'))).toEqual([]);
      }
    });
  });
});

async function closedPort(): Promise<number> {
  const { freePort } = await import('../../../test/support/processes');
  return freePort();
}
