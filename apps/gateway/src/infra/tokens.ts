/** Injection tokens of the gateway's infrastructure. */
export const SERVER_CONFIG = Symbol('SERVER_CONFIG');
export const REDIS = Symbol('REDIS');
export const SUBMIT_QUEUE = Symbol('SUBMIT_QUEUE');
export const CONTEXT_COMMAND_QUEUE = Symbol('CONTEXT_COMMAND_QUEUE');
