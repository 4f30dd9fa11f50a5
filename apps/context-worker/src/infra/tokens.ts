/** Injection tokens of the context worker. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
export const REDIS = Symbol('REDIS');
