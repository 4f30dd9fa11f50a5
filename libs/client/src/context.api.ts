import { asIs, queryOf, unwrap, type Api } from './api.call';
import type { CallOptions, ContextInfo, ContextSnapshot, SuccessAnswer, SuccessMessage } from './api.types';

/** Context settings as query params: `num-cpu-cores`, `mem-per-node`, `max-jobs-per-context`, any other key. */
export type ContextSettings = Record<string, string | number | boolean>;

/** Options of {@link ContextApi.create}. */
export interface CreateContextOptions extends CallOptions {
  /** HOCON/JSON body; its `context-settings { … }` block wins over `settings`. */
  config?: string;
}

/** `/contexts`: warm named contexts. */
export class ContextApi {
  constructor(private readonly api: Api) {}

  /**
   * Starts a named context; answers once it is RUNNING.
   * @throws JobserverError 400 (exists, bad name or setting), 429 (max-contexts), 500 CONTEXT INIT ERROR
   */
  create(name: string, settings: ContextSettings = {}, options: CreateContextOptions = {}): Promise<SuccessMessage> {
    const { config, ...call } = options;
    return unwrap(
      'POST',
      this.api.POST('/contexts/{name}', {
        params: { path: { name }, query: queryOf(settings) },
        body: config ?? '',
        bodySerializer: asIs,
        headers: { 'content-type': 'text/plain' },
        signal: call.signal,
      }),
    );
  }

  /** Names of the live contexts. */
  list(options: CallOptions = {}): Promise<string[]> {
    return unwrap('GET', this.api.GET('/contexts', { signal: options.signal }));
  }

  /** @throws JobserverError 404 */
  get(name: string, options: CallOptions = {}): Promise<ContextInfo> {
    return unwrap('GET', this.api.GET('/contexts/{name}', { params: { path: { name } }, signal: options.signal }));
  }

  /** Stops a context (its jobs end KILLED); `force` cuts running jobs off without kill-grace. @throws JobserverError 404 */
  stop(name: string, options: CallOptions & { force?: boolean } = {}): Promise<SuccessMessage> {
    const { force, ...call } = options;
    return unwrap(
      'DELETE',
      this.api.DELETE('/contexts/{name}', {
        params: { path: { name }, query: force ? { force: 'true' } : {} },
        signal: call.signal,
      }),
    );
  }

  /** Stops every context, then starts the configured ones (`PUT /contexts?reset=reboot`). */
  reset(options: CallOptions = {}): Promise<SuccessMessage> {
    return unwrap('PUT', this.api.PUT('/contexts', { params: { query: { reset: 'reboot' } }, signal: options.signal }));
  }

  /**
   * Stores the live context's structured-cloneable named objects (the others come back as
   * `skipped`, with why). Restore one with `create(newName, { snapshot: id })`.
   * @throws JobserverError 404, 413 (over snapshot-max-bytes: nothing stored), 503 (its executor is busy)
   */
  snapshot(name: string, options: CallOptions = {}): Promise<ContextSnapshot> {
    return unwrap('POST', this.api.POST('/contexts/{name}/snapshots', { params: { path: { name } }, signal: options.signal }));
  }

  /** The snapshots of a context name, newest first. @throws JobserverError 404 (no live context and no snapshots) */
  snapshots(name: string, options: CallOptions = {}): Promise<ContextSnapshot[]> {
    return unwrap('GET', this.api.GET('/contexts/{name}/snapshots', { params: { path: { name } }, signal: options.signal }));
  }

  /** Deletes one snapshot of a context name. @throws JobserverError 404 */
  deleteSnapshot(name: string, id: string, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap('DELETE', this.api.DELETE('/contexts/{name}/snapshots/{id}', { params: { path: { name, id } }, signal: options.signal }));
  }
}
