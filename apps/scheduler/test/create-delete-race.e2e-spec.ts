import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobserverClient } from '../../../test/support/client';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server';

/** A DELETE that reaches a context while its worker is still starting (found by red-teaming). */
describe('a context deleted while it starts', () => {
  let server: TestServer;
  let api: JobserverClient;

  beforeAll(async () => {
    // Cold starts: a spare worker would run the context before the DELETE comes.
    server = await startTestServer({ JOBSERVER_SPARE_WORKERS: '0' });
    api = new JobserverClient(server.url);
  });
  afterAll(async () => server?.stop());

  it('answers the POST 409 (not a 500 CONTEXT INIT ERROR) and ends the context FINISHED, not ERROR', async () => {
    for (const name of ['race1', 'race2', 'race3']) {
      const created = api.post(`/contexts/${name}`);
      await eventually(async () => {
        const rows = await server.query(`SELECT 1 FROM contexts WHERE name = $1`, [name]);
        return rows.length > 0 ? true : undefined;
      });
      const deleted = await api.delete(`/contexts/${name}`);
      expect(deleted.status).toBe(200);
      const answer = await created;
      expect(answer, JSON.stringify(answer.body)).toMatchObject({
        status: 409,
        body: { status: 'ERROR', result: `context ${name} was stopped while starting` },
      });
      const ended = await eventually(async () => {
        const rows = await server.query<{ state: string }>(`SELECT state FROM contexts WHERE name = $1`, [name]);
        return ['STARTED', 'STOPPING'].includes(rows[0]?.state) ? undefined : rows;
      });
      expect(ended).toEqual([{ state: 'FINISHED' }]);
    }
  });
});
