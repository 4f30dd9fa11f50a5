export * from './statuses';
export * from './error-info';
export * from './names';
export * from './messages';
export * from './parse';
export * from './domain-errors';
