import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';
import { call, expect403, passwordHash } from './auth-http';

const PASSWORD = 'correct horse';

describe('console statements with auth on', () => {
  let server: TestServer;
  const as = (user: string, method: string, path: string, body?: string) =>
    call(server.url, method, path, { basic: `${user}:${PASSWORD}`, body });

  beforeAll(async () => {
    const hash = passwordHash(PASSWORD);
    const users = {
      alice: { 'password-hash': hash, permissions: ['contexts:start', 'contexts:read', 'contexts:exec'] },
      bob: { 'password-hash': hash, permissions: ['contexts:exec', 'contexts:start'] },
      reader: { 'password-hash': hash, permissions: ['contexts:read', 'contexts:start'] },
      admin: { 'password-hash': hash, permissions: ['*'] },
    };
    server = await startTestServer({ JOBSERVER_AUTH: JSON.stringify({ enabled: true, users, 'isolate-owners': true }) });
    expect((await as('alice', 'POST', '/contexts/alice-repl')).status).toBe(200);
    expect((await as('reader', 'POST', '/contexts/reader-repl')).status).toBe(200);
  });
  afterAll(async () => server?.stop());

  it('needs contexts:exec for every statement route', async () => {
    const routes: Array<[string, string, string?]> = [
      ['POST', '/contexts/reader-repl/statements', '{"code":"1"}'],
      ['GET', '/contexts/reader-repl/statements'],
      ['GET', '/contexts/reader-repl/statements/0'],
      ['POST', '/contexts/reader-repl/statements/0/cancel'],
      ['POST', '/contexts/reader-repl/completion', '{"code":"a"}'],
    ];
    for (const [method, path, body] of routes) expect403(await as('reader', method, path, body), 'contexts:exec');
  });

  it("runs the owner's statements and hides them from other principals, as if the context were absent", async () => {
    const mine = await as('alice', 'POST', '/contexts/alice-repl/statements?wait=30', '{"code":"const secret = 1; secret + 1"}');
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.output.data['application/json']).toBe(2);
    const absent = { status: 'ERROR', result: 'context alice-repl not found' };
    for (const [method, path] of [['POST', '/contexts/alice-repl/statements'], ['GET', '/contexts/alice-repl/statements'], ['POST', '/contexts/alice-repl/completion']]) {
      const reply = await as('bob', method, path, method === 'POST' ? '{"code":"secret"}' : undefined);
      expect({ path, status: reply.status, body: reply.body }).toEqual({ path, status: 404, body: absent });
    }
    expect((await as('admin', 'GET', '/contexts/alice-repl/statements')).body.total_statements).toBe(1);
  });
});
