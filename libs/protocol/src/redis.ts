/**
 * `@jobserver/protocol/redis`: the runtime entry, what talks to Redis (the event bus, job and statement claims).
 * Kept out of the main entry so that code which must load no Redis client (the executor thread
 * that runs user jobs) can import the protocol's types and pure helpers.
 */
export * from './event-bus';
export * from './redis-client';
export * from './job-claims';
export * from './statement-claims';
export * from './process-registry';
export * from './replica-ack';
export * from './queue-options';
export * from './prompt-worker';
