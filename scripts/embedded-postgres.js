// Embedded Postgres for `npm start` without DATABASE_URL: PGlite (one Postgres session in this
// process) served over TCP by pglite-socket, so that every jobserver process connects with pg.
const fs = require('node:fs');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

/** Protocol messages of an extended-query exchange that a Sync ('S') ends. */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket runs the messages of all its connections on the one PGlite session, one message at
 * a time, keeping a connection's turn only inside a transaction. Two clients' Parse/Bind/Execute
 * exchanges then interleave ("bind message supplies 1 parameters, but prepared statement \"\"
 * requires 8"). This keeps a connection's turn until its exchange ends with Sync (or a simple
 * Query), and inside transactions as before.
 */
function serializeExchanges(server) {
  const queue = server.queryQueue;
  const db = server.db;
  let owner = null;
  queue.processQueue = async function processQueue() {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const turn = owner ?? (db.isInTransaction() ? this.lastHandlerId : null);
        const index = turn == null ? 0 : this.queue.findIndex((item) => item.handlerId === turn);
        if (index === -1) break; // the owner's next message has not arrived yet
        const [item] = this.queue.splice(index, 1);
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, { onRawData: (data) => ((bytes += data.length), item.onData(data)) }),
          );
        } catch (error) {
          owner = null;
          item.reject(error);
          continue;
        }
        owner = EXTENDED.has(item.message[0]) ? item.handlerId : null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId) => {
    if (owner === handlerId) owner = null;
    clearQueueForHandler(handlerId);
    void queue.processQueue();
  };
}

/** Starts PGlite on `dataDir` behind a TCP server; resolves with its URL and a stop function. */
async function startEmbeddedPostgres({ dataDir, port, host = '127.0.0.1' }) {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, port, host, maxConnections: 100 });
  serializeExchanges(server);
  await server.start();
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    dataDir,
    /** Stops once no client is connected (context workers finishing their stop), or after `graceMs`. */
    stop: async (graceMs = 5000) => {
      const until = Date.now() + graceMs;
      while (server.getStats().activeConnections > 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await server.stop();
      await db.close();
    },
  };
}

module.exports = { startEmbeddedPostgres };
