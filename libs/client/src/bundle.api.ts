import { asIs, unwrap, type Api } from './api.call';
import type { BinaryInfo, BinarySummary, CallOptions, SuccessAnswer } from './api.types';

/** Bundle bytes: a JavaScript module (source or bytes), or a zip / tgz package. */
export type BundleBytes = Uint8Array | ArrayBuffer | Blob | string;

const binary = { 'content-type': 'application/octet-stream' };

/** `/binaries`: the app bundles. */
export class BundleApi {
  constructor(private readonly api: Api) {}

  /** Uploads a new version of `appName` (`POST /binaries/<app>`). @throws JobserverError (400 not a bundle, 413 too big) */
  upload(appName: string, bundle: BundleBytes, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap(
      'POST',
      this.api.POST('/binaries/{appName}', {
        params: { path: { appName } },
        body: bundle as never,
        bodySerializer: asIs,
        headers: binary,
        signal: options.signal,
      }),
    );
  }

  /** The latest version of every app, by app name. */
  list(options: CallOptions = {}): Promise<Record<string, BinarySummary>> {
    return unwrap('GET', this.api.GET('/binaries', { signal: options.signal }));
  }

  /** The latest version of one app. @throws JobserverError 404 */
  get(appName: string, options: CallOptions = {}): Promise<BinaryInfo> {
    return unwrap('GET', this.api.GET('/binaries/{appName}', { params: { path: { appName } }, signal: options.signal }));
  }

  /** Deletes every version of an app. @throws JobserverError 404, 403 while a job of it is queued or running */
  delete(appName: string, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap('DELETE', this.api.DELETE('/binaries/{appName}', { params: { path: { appName } }, signal: options.signal }));
  }
}

/** `/jars`: the seed's names of the same routes. */
export class JarApi {
  constructor(private readonly api: Api) {}

  /** App name → upload time of its latest version (ISO-8601). */
  list(options: CallOptions = {}): Promise<Record<string, string>> {
    return unwrap('GET', this.api.GET('/jars', { signal: options.signal }));
  }

  upload(appName: string, bundle: BundleBytes, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap(
      'POST',
      this.api.POST('/jars/{appName}', {
        params: { path: { appName } },
        body: bundle as never,
        bodySerializer: asIs,
        headers: binary,
        signal: options.signal,
      }),
    );
  }

  delete(appName: string, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap('DELETE', this.api.DELETE('/jars/{appName}', { params: { path: { appName } }, signal: options.signal }));
  }
}
