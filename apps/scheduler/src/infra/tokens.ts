/** Injection tokens of the scheduler's infrastructure. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
export const REDIS = Symbol('REDIS');
export const LAUNCHER = Symbol('LAUNCHER');
