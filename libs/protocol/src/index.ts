/** `@jobserver/protocol`: types and pure helpers, no Redis client (that is `@jobserver/protocol/redis`). */
export * from './statuses';
export * from './error-info';
export * from './names';
export * from './data-names';
export * from './messages';
export * from './job-events';
export * from './statements';
export * from './snapshots';
export * from './parse';
export * from './domain-errors';
export * from './event-waiter';
export * from './metric-counters';
