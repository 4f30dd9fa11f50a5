import { asIs, unwrap, type Api } from './api.call';
import type { CallOptions, SuccessAnswer, SuccessMessage } from './api.types';
import type { BundleBytes } from './bundle.api';

/** `/data`: data files jobs read with `ctx.data`. */
export class DataApi {
  constructor(private readonly api: Api) {}

  /** Stores a file; answers the name it is stored under (`<prefix>-<ISO time>.dat`). */
  async upload(prefix: string, bytes: BundleBytes, options: CallOptions = {}): Promise<string> {
    const answer = await unwrap(
      'POST',
      this.api.POST('/data/{prefix}', {
        params: { path: { prefix } },
        body: bytes as never,
        bodySerializer: asIs,
        headers: { 'content-type': 'application/octet-stream' },
        signal: options.signal,
      }),
    );
    return answer.result.filename;
  }

  /** The stored filenames. */
  list(options: CallOptions = {}): Promise<string[]> {
    return unwrap('GET', this.api.GET('/data', { signal: options.signal }));
  }

  /** @throws JobserverError 404 */
  delete(filename: string, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap('DELETE', this.api.DELETE('/data/{filename}', { params: { path: { filename } }, signal: options.signal }));
  }

  /** Deletes every data file (`PUT /data?reset=reboot`). */
  reset(options: CallOptions = {}): Promise<SuccessMessage> {
    return unwrap('PUT', this.api.PUT('/data', { params: { query: { reset: 'reboot' } }, signal: options.signal }));
  }
}
