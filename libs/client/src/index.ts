/**
 * @jobserver/client — a typed, fetch-based client of jobserver's REST API. See
 * {@link JobserverClient}; every call throws {@link JobserverError}.
 */
export { JobserverClient, outcomeOf, reportOf, type SubmitJobOptions, type WaitOptions } from './jobserver.client';
export { JobserverError, type ErrorObject, type JobserverErrorKind } from './jobserver.error';
export { DEFAULT_RETRY, type ClientOptions, type Credentials, type RetryPolicy } from './client.options';
export type * from './api.types';
export { isTerminal, TERMINAL_EVENT_TYPES } from './api.types';
export type { BundleApi, BundleBytes, JarApi } from './bundle.api';
export type { ContextApi, ContextSettings, CreateContextOptions } from './context.api';
export type { JobApi, RunOptions, SubmitOptions } from './job.api';
export type { StatementApi } from './statement.api';
export type { ScheduleApi } from './schedule.api';
export type { ApiKeyApi, NewApiKeyRequest } from './api-key.api';
export type { DataApi } from './data.api';
export type { ServerApi } from './server.api';
export type { ClusterEventsOptions, JobEventsOptions } from './event.stream';
export { parseSse, type SseMessage } from './sse.parser';
export type { paths, components } from './generated/openapi';
