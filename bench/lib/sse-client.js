'use strict';
// A minimal Server-Sent Events client on node:http for the bench (one socket per stream, no
// library): calls `onEvent(type, data, id)` for each event, with the arrival time taken as soon
// as its chunk is read.

const http = require('node:http');
const { performance } = require('node:perf_hooks');

/** Wall-clock ms with sub-ms precision, comparable across processes of one machine. */
const wallMs = () => performance.timeOrigin + performance.now();

/** Opens `url` as an SSE stream; resolves with `{ status, close, ended }` once the head arrived. */
function openStream(url, onEvent, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      const ended = new Promise((done) => res.once('close', done));
      res.on('data', (chunk) => {
        const at = wallMs();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          let data = '';
          let id;
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
            else if (line.startsWith('id: ')) id = line.slice(4);
          }
          if (data) onEvent(type, data, id, at);
        }
      });
      res.on('error', () => undefined);
      resolve({ status: res.statusCode, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

module.exports = { openStream, wallMs };
