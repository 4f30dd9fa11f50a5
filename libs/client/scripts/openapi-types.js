// The one conversion from the gateway's OpenAPI document to the client's types, shared by
// generate-types.js and the test that fails when the committed types are stale.
const path = require('node:path');

const CLIENT = path.resolve(__dirname, '..');
/** The committed document and the types generated from it. */
const DOCUMENT_FILE = path.join(CLIENT, 'openapi.json');
const TYPES_FILE = path.join(CLIENT, 'src', 'generated', 'openapi.ts');

const HEADER = `/**
 * Generated from the gateway's OpenAPI document (GET /api-docs/json) by openapi-typescript.
 * Do not edit: run \`npm run generate -w @jobserver/client\` after changing a controller or DTO.
 */
`;

/** The document as committed: stable key order is the gateway's own, two-space JSON. */
function documentText(document) {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The TypeScript text of the document's paths and schemas. */
async function typesText(document) {
  const { default: openapiTS, astToString } = require('openapi-typescript');
  // A copy: openapi-typescript may annotate the object it is given.
  const ast = await openapiTS(JSON.parse(JSON.stringify(document)), { alphabetize: false, exportType: true });
  return HEADER + astToString(ast);
}

module.exports = { DOCUMENT_FILE, TYPES_FILE, documentText, typesText };
