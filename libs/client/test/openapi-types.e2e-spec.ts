import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/server';

const require = createRequire(import.meta.url);
const { DOCUMENT_FILE, TYPES_FILE, documentText, typesText } = require('../scripts/openapi-types.js') as {
  DOCUMENT_FILE: string;
  TYPES_FILE: string;
  documentText(document: unknown): string;
  typesText(document: unknown): Promise<string>;
};

const STALE = 'stale: run `npm run build && npm run generate -w @jobserver/client` and commit the result';

describe('the committed client types', () => {
  let server: TestServer;
  let document: unknown;

  beforeAll(async () => {
    server = await startTestServer();
    document = await (await fetch(`${server.url}/api-docs/json`)).json();
  });
  afterAll(async () => server?.stop());

  it('are the OpenAPI document the built gateway serves', () => {
    expect(readFileSync(DOCUMENT_FILE, 'utf8') === documentText(document), `libs/client/openapi.json is ${STALE}`).toBe(true);
  });

  it('are what openapi-typescript makes of that document', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8') === (await typesText(document)), `libs/client/src/generated/openapi.ts is ${STALE}`).toBe(true);
  });
});
