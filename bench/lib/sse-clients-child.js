'use strict';
// A process of its own for many SSE clients (the firehose item): their reading then does not
// starve the bench's load generator. Counts events without parsing them. Told by IPC:
// {open: [url, …]} → opens them, answers {opened}; {close: true} → answers {received} and exits.

const http = require('node:http');

let received = 0;
const requests = [];

function open(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        for (let i = chunk.indexOf('\nevent: '); i >= 0; i = chunk.indexOf('\nevent: ', i + 1)) received++;
        if (chunk.startsWith('event: ')) received++;
      });
      res.on('error', () => undefined);
      resolve(res.statusCode);
    });
    req.on('error', reject);
    requests.push(req);
  });
}

process.on('message', async (message) => {
  if (message.open) {
    const statuses = await Promise.all(message.open.map(open));
    process.send({ opened: statuses.filter((s) => s === 200).length });
  } else if (message.close) {
    for (const req of requests) req.destroy();
    process.send({ received }, () => process.exit(0));
  }
});
