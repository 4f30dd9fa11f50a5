import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../cli.error';
import { resolveTarget } from './connect';

const dir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-profiles-'));
const profiles = path.join(dir, 'profiles.conf');
writeFileSync(
  profiles,
  `current = local
profiles {
  local { url = "http://127.0.0.1:8090" }
  prod { url = "https://jobs.example.com", token = "jsk_prod" }
  staging { url = "https://staging.example.com", user = alice, password = "s3cret" }
}
`,
);
const none = path.join(dir, 'missing.conf');

describe('resolveTarget', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes --profile first, with its own credentials', async () => {
    const target = await resolveTarget({ profile: 'prod', url: 'http://other' }, { JOBSERVER_PROFILES: profiles, JOBSERVER_TOKEN: 'jsk_env' });
    expect(target).toEqual({ url: 'https://jobs.example.com', auth: { token: 'jsk_prod' }, source: 'profile prod', authSource: 'profile prod' });
  });

  it('then --url, then JOBSERVER_URL, with the credentials of the environment', async () => {
    const env = { JOBSERVER_PROFILES: profiles, JOBSERVER_URL: 'http://env:1', JOBSERVER_USER: 'bob', JOBSERVER_PASSWORD: 'pw' };
    expect(await resolveTarget({ url: 'http://flag:2' }, env)).toEqual({
      url: 'http://flag:2',
      auth: { user: 'bob', password: 'pw' },
      source: '--url',
      authSource: 'JOBSERVER_USER',
    });
    expect(await resolveTarget({}, env)).toMatchObject({ url: 'http://env:1', source: 'JOBSERVER_URL' });
  });

  it("then JOBSERVER_PROFILE, then the file's current profile, else the local default", async () => {
    expect(await resolveTarget({}, { JOBSERVER_PROFILES: profiles, JOBSERVER_PROFILE: 'staging' })).toMatchObject({
      url: 'https://staging.example.com',
      auth: { user: 'alice', password: 's3cret' },
    });
    expect(await resolveTarget({}, { JOBSERVER_PROFILES: profiles })).toMatchObject({ url: 'http://127.0.0.1:8090', source: 'profile local' });
    expect(await resolveTarget({}, { XDG_CONFIG_HOME: dir })).toEqual({ url: 'http://127.0.0.1:8090', source: 'default', auth: undefined, authSource: undefined });
  });

  it('gives a profile without credentials those of the environment', async () => {
    expect(await resolveTarget({ profile: 'local' }, { JOBSERVER_PROFILES: profiles, JOBSERVER_TOKEN: 'jsk_env' })).toMatchObject({
      auth: { token: 'jsk_env' },
      authSource: 'JOBSERVER_TOKEN',
    });
  });

  it('refuses an unknown profile, a named file that is missing, and half a user/password pair (exit 2)', async () => {
    const refused = (promise: Promise<unknown>) => promise.then(() => undefined, (error: CliError) => [error.exitCode, error.message]);
    expect(await refused(resolveTarget({ profile: 'nope' }, { JOBSERVER_PROFILES: profiles }))).toEqual([
      2,
      `no profile nope in ${profiles} (profiles: local, prod, staging)`,
    ]);
    expect((await refused(resolveTarget({ profiles: none }, {})))?.[1]).toMatch(/^cannot read the profile file .*missing\.conf: ENOENT/);
    expect(await refused(resolveTarget({}, { XDG_CONFIG_HOME: dir, JOBSERVER_PASSWORD: 'x' }))).toEqual([2, 'JOBSERVER_PASSWORD is set without JOBSERVER_USER']);
  });

  it('checks the fields of the profile file, naming the profile and the field', async () => {
    const file = path.join(dir, 'bad.conf');
    const check = async (text: string) => {
      writeFileSync(file, text);
      return resolveTarget({ profiles: file }, {}).then(() => 'ok', (error: Error) => error.message.replace(`the profile file ${file}: `, ''));
    };
    expect(await check('profiles { a { url = "http://x", tokn = y } }')).toBe('profile a: unknown key tokn (expected url, token, user, password)');
    expect(await check('profiles { a { token = y } }')).toBe('profile a has no url');
    expect(await check('profiles { a { url = "http://x", user = u } }')).toBe('profile a: user and password go together');
    expect(await check('current = b\nprofiles { a { url = "http://x" } }')).toBe('current names b, which is not a profile');
    expect(await check('servers = []')).toBe('unknown key servers (expected current and profiles)');
    expect(await check('{"profiles": {"a": {"url": "http://x", "token": "t"}}}')).toBe('ok');
  });
});
