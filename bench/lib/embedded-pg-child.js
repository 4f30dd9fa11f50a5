'use strict';
// A child process holding the embedded Postgres (PGlite behind pglite-socket), as `npm start`'s
// own process holds it: `node embedded-pg-child.js <dataDir> <port>` prints "ready <url>", stops on SIGTERM.

const { startEmbeddedPostgres } = require('../../scripts/embedded-postgres');

const [dataDir, port] = process.argv.slice(2);
startEmbeddedPostgres({ dataDir, port: Number(port) }).then(
  (pg) => {
    process.stdout.write(`ready ${pg.url}\n`);
    process.on('SIGTERM', () => void pg.stop(1000).finally(() => process.exit(0)));
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
