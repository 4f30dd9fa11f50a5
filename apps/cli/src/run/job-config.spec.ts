import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobConfig } from './job-config';

const dir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-job-config-'));

describe('jobConfig', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the config file (HOCON or JSON) and puts each -c value over it', async () => {
    const file = path.join(dir, 'job.conf');
    writeFileSync(file, 'input.string = "x y"\nlimits { n = 1, m = 2 }\n');
    expect(await jobConfig(file, ['input.string=a b a', 'limits.m=3', 'tags=[a, b]', 'on=true'])).toEqual({
      input: { string: 'a b a' },
      limits: { n: 1, m: 3 },
      tags: ['a', 'b'],
      on: true,
    });
    writeFileSync(file, '{"input": {"string": "j"}}');
    expect(await jobConfig(file, [])).toEqual({ input: { string: 'j' } });
  });

  it('takes a -c value that is no HOCON value as a string', async () => {
    expect(await jobConfig(undefined, ['callback.url=http://x:8080/y'])).toEqual({ callback: { url: 'http://x:8080/y' } });
  });

  it("refuses a file that does not parse with the parser's message and line, and -c without key=value", async () => {
    const file = path.join(dir, 'bad.conf');
    writeFileSync(file, 'a = 1\nb = ${a}\n');
    await expect(jobConfig(file, [])).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^the config file .*bad\.conf does not parse: .* at line 2, column \d+$/) });
    await expect(jobConfig(undefined, ['novalue'])).rejects.toMatchObject({ exitCode: 2, message: '-c takes key=value, not novalue' });
  });
});
