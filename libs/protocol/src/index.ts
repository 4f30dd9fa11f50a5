export * from './statuses';
export * from './error-info';
export * from './names';
export * from './messages';
export * from './parse';
export * from './domain-errors';
export * from './event-bus';
export * from './event-waiter';
