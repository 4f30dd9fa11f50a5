'use strict';
// A cheap HTTP client and load generators (the client shares the machine's cores with the
// servers, so it does as little as possible: keep-alive sockets, one buffer per response).

const http = require('node:http');
const { now, sleep } = require('./stats');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
/** Headers sent on every request to an origin (`Authorization` for a jobserver with auth on). */
const originHeaders = new Map();

/** Sends `headers` with every request to the origin of `baseUrl`. */
function setOriginHeaders(baseUrl, headers) {
  originHeaders.set(new URL(baseUrl).origin, headers);
}

/** One request; resolves with {status, text, headers}. */
function request(baseUrl, method, path, body) {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const payload =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname + url.search,
        headers: {
          ...originHeaders.get(url.origin),
          ...(payload ? { 'content-type': 'text/plain', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Parses a JSON body, with the raw text in the error when it does not parse. */
function json(res) {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new Error(`HTTP ${res.status}: body is not JSON: ${res.text.slice(0, 200)}`);
  }
}

/** Prints "<label> done/total" every `everyMs` while `work` runs. */
function progress(label, total) {
  const state = { done: 0, failed: 0 };
  const started = now();
  const timer = setInterval(() => {
    const secs = ((now() - started) / 1000).toFixed(1);
    console.log(
      `    ${label}: ${state.done}/${total} (${secs} s${state.failed ? `, ${state.failed} FAILED` : ''})`,
    );
  }, 3000);
  timer.unref();
  state.stop = () => clearInterval(timer);
  return state;
}

/**
 * Calls `call(i)` `total` times with `inFlight` calls outstanding; `call` resolves when the
 * request is verified (it throws on a wrong answer). Returns latencies (ms), elapsed ms, errors.
 */
async function runLoad({ label, total, inFlight, call, maxErrors = 20 }) {
  const latencies = new Float64Array(total);
  const errors = [];
  const state = progress(label, total);
  let next = 0;
  const started = now();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = now();
      try {
        await call(i);
        latencies[i] = now() - t0;
      } catch (error) {
        latencies[i] = NaN;
        state.failed++;
        if (errors.length < maxErrors) errors.push(`#${i}: ${error.message}`);
      }
      state.done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  const elapsedMs = now() - started;
  state.stop();
  const ok = Array.from(latencies).filter((x) => !Number.isNaN(x));
  return { latencies: ok, elapsedMs, failed: state.failed, errors };
}

/** Polls `check()` until it returns true or `timeoutMs` passes; returns whether it did. */
async function until(check, timeoutMs, everyMs = 20) {
  const deadline = now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (now() > deadline) return false;
    await sleep(everyMs);
  }
}

function closeClient() {
  agent.destroy();
}

module.exports = { request, json, runLoad, until, closeClient, progress, setOriginHeaders };
