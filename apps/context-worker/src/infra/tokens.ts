/** Injection tokens of the context worker. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
export const REDIS = Symbol('REDIS');
/** The id of the context row this worker hosts. */
export const CONTEXT_ID = Symbol('CONTEXT_ID');
