'use strict';
// Floor harness, hop 2: consumes `submit` and routes each job to its context's queue
// `ctx.<name>`; forks one worker process per context (ad-hoc ones for a single job).

const path = require('node:path');
const { fork } = require('node:child_process');
const { Queue, Worker } = require('bullmq');
const Redis = require('ioredis');
const { now } = require('../lib/stats');

const { REDIS_URL, PREFIX } = process.env;
const WORKER_MAIN = path.join(__dirname, 'worker.js');

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const commands = redis.duplicate();
const queues = new Map();
/** context name → { child, ready: Promise<void> } */
const workers = new Map();

const publish = (event) => redis.publish(`${PREFIX}:events`, JSON.stringify(event));

function queueOf(context) {
  let queue = queues.get(context);
  if (!queue) {
    queue = new Queue(`ctx.${context}`, { connection: redis, prefix: PREFIX });
    queues.set(context, queue);
  }
  return queue;
}

function startWorker(name, concurrency, adHoc) {
  const child = fork(WORKER_MAIN, [], {
    env: {
      ...process.env,
      CONTEXT: name,
      CONCURRENCY: String(concurrency),
      AD_HOC: adHoc ? '1' : '',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise((resolve, reject) => {
    child.once('message', (m) => (m.ready ? resolve() : reject(new Error(String(m.error)))));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
  });
  ready.catch(() => undefined);
  const entry = { child, ready };
  workers.set(name, entry);
  child.once('exit', () => {
    if (workers.get(name) === entry) workers.delete(name);
    const queue = queues.get(name);
    queues.delete(name);
    if (queue)
      void queue
        .obliterate({ force: true })
        .catch(() => undefined)
        .then(() => queue.close());
    void publish({ k: 'context', name, state: 'FINISHED' });
  });
  return entry;
}

async function onCommand(raw) {
  const command = JSON.parse(raw);
  if (command.op === 'create') {
    if (workers.has(command.name))
      return publish({ k: 'context', name: command.name, state: 'ERROR', error: 'exists' });
    const entry = startWorker(command.name, command.concurrency, false);
    try {
      await entry.ready;
      await publish({ k: 'context', name: command.name, state: 'RUNNING', pid: entry.child.pid });
    } catch (error) {
      await publish({ k: 'context', name: command.name, state: 'ERROR', error: error.message });
    }
  } else if (command.op === 'stop') {
    workers.get(command.name)?.child.kill('SIGKILL');
  }
}

async function route(job) {
  const tr = now();
  const message = job.data;
  let entry = workers.get(message.context);
  if (!entry && message.adHoc) entry = startWorker(message.context, 1, true);
  if (!entry) return publish({ k: 'job', id: message.jobId, s: 'ERROR', r: 'null' });
  await entry.ready;
  await queueOf(message.context).add(
    'job',
    { ...message, tr },
    { jobId: message.jobId, removeOnComplete: true, removeOnFail: true },
  );
}

async function main() {
  commands.on(
    'message',
    (_channel, raw) => void onCommand(raw).catch((e) => console.error('floor router:', e)),
  );
  await commands.subscribe(`${PREFIX}:commands`);
  const worker = new Worker('submit', route, {
    connection: redis.duplicate(),
    prefix: PREFIX,
    concurrency: 64,
  });
  worker.on('error', (error) => console.error('floor router worker:', error.message));
  await worker.waitUntilReady();
  process.send?.({ ready: true });
}

process.on('SIGTERM', () => {
  for (const { child } of workers.values()) child.kill('SIGKILL');
  process.exit(0);
});

main().catch((error) => {
  console.error('floor router:', error);
  process.exit(1);
});
