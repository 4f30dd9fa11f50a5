import { createHmac } from 'node:crypto';
import type { CallbackJob } from '@jobserver/persistence';
import { errorInfo, killedError } from '@jobserver/protocol';

/**
 * The body POSTed to a job's callbackUrl, mainline spark-jobserver's: finished
 * `{"jobId","result"}` (the result as the report shows it, `null` for a job that returned
 * `undefined`), failed `{"jobId","status":"ERROR","result":<error object>}`, killed
 * `{"jobId","status":"KILLED","result":<error object>}`. A finished job's result is spliced in as
 * stored (it is the serializer's JSON text): a 16 MiB result is not parsed again to be re-sent.
 */
export function callbackBody(job: Pick<CallbackJob, 'id' | 'status' | 'result' | 'error'>): string {
  const jobId = JSON.stringify(job.id);
  switch (job.status) {
    case 'FINISHED':
      return `{"jobId":${jobId},"result":${job.result ?? 'null'}}`;
    case 'KILLED':
      return JSON.stringify({
        jobId: job.id,
        status: 'KILLED',
        result: job.error ?? killedError(job.id),
      });
    default:
      return JSON.stringify({
        jobId: job.id,
        status: 'ERROR',
        result: job.error ?? errorInfo('Error', 'job failed'),
      });
  }
}

/** `sha256=<hex HMAC-SHA256 of the body's UTF-8 bytes>`, the `X-Jobserver-Signature` header. */
export function callbackSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The request headers of a callback: JSON, the job id, and the signature when a secret is set. */
export function callbackHeaders(
  jobId: string,
  body: string,
  secret: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-jobserver-job': jobId,
  };
  if (secret !== undefined) headers['x-jobserver-signature'] = callbackSignature(secret, body);
  return headers;
}
