/**
 * The error object of API.md lives in @jobserver/api (the job runner shared by the executor and
 * `runJobForTest` builds it); re-exported here so the server keeps importing it from the protocol.
 */
export { capErrorInfo, errorInfo, toErrorInfo, type ErrorInfo } from '@jobserver/api';
