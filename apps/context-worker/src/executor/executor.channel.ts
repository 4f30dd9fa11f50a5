import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import {
  isFromExecutorMessage,
  type ConnectMessage,
  type FromExecutorMessage,
} from './executor.messages';

/**
 * Opens the private channel between the main thread and an executor thread: its port goes to the
 * thread in the first message on `parentPort`, before any job code runs there, and every message
 * of the executor protocol then travels on it. Job code shares the thread, so it can reach
 * `parentPort` (through `require('node:worker_threads')`), post on it, remove its listeners or
 * overwrite its methods; what is posted on `parentPort` is ignored, and the private port is in no
 * place job code can import it from. Messages that do not have the protocol's shape are dropped.
 * @returns the main thread's end of the channel, closed when the thread exits
 */
export function openExecutorChannel(
  worker: Worker,
  onMessage: (message: FromExecutorMessage) => void,
): MessagePort {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (message: unknown) => {
    if (isFromExecutorMessage(message)) onMessage(message);
  });
  // The worker keeps the event loop alive while it runs; the port must not after it exited.
  port1.unref();
  worker.once('exit', () => port1.close());
  worker.postMessage({ type: 'connect', port: port2 } satisfies ConnectMessage, [port2]);
  return port1;
}
