import { unwrap, type Api } from './api.call';
import type { CallOptions, Statement, StatementList } from './api.types';
import { JobserverError } from './jobserver.error';
import { sleep } from './retrying.fetch';

const ENDED = new Set(['available', 'cancelled']);

/** `/contexts/<name>/statements`: JavaScript run in a live context (Livy's console). */
export class StatementApi {
  constructor(private readonly api: Api) {}

  /** Posts a statement; with `waitSeconds`, answers once it is available (or the wait ends). */
  submit(context: string, code: string, options: CallOptions & { waitSeconds?: number } = {}): Promise<Statement> {
    const { waitSeconds, ...call } = options;
    return unwrap(
      'POST',
      this.api.POST('/contexts/{name}/statements', {
        params: { path: { name: context }, query: waitSeconds === undefined ? {} : { wait: String(waitSeconds) } },
        body: { code },
        signal: call.signal,
      }),
    );
  }

  /**
   * Runs a statement to its end: available (its output, ok or error) or cancelled. The post is
   * not cut by the signal (it answers at once), so that a signal aborting later always knows
   * the statement to cancel: it is cancelled on the server before this rejects.
   * @throws JobserverError (404 unknown context, 409 stopping, 400 empty code; `aborted`)
   */
  async execute(context: string, code: string, options: CallOptions = {}): Promise<Statement> {
    const { signal } = options;
    let statement = await this.submit(context, code);
    try {
      for (let pause = 10; !ENDED.has(statement.state); pause = Math.min(pause * 2, 500)) {
        await sleep(pause, signal);
        statement = await this.get(context, statement.id, { signal });
      }
      return statement;
    } catch (error) {
      if (!signal?.aborted) throw error;
      await this.cancel(context, statement.id).catch(() => undefined);
      throw new JobserverError({ kind: 'aborted', method: 'POST', url: `/contexts/${context}/statements`, cause: error });
    }
  }

  /** The context's statements, newest last. */
  list(context: string, options: CallOptions = {}): Promise<StatementList> {
    return unwrap('GET', this.api.GET('/contexts/{name}/statements', { params: { path: { name: context } }, signal: options.signal }));
  }

  /** @throws JobserverError 404 */
  get(context: string, id: number, options: CallOptions = {}): Promise<Statement> {
    return unwrap(
      'GET',
      this.api.GET('/contexts/{name}/statements/{id}', { params: { path: { name: context, id: String(id) } }, signal: options.signal }),
    );
  }

  /** Cancels a statement (its signal, then kill-grace); one that ended stays as it was. */
  cancel(context: string, id: number, options: CallOptions = {}): Promise<{ msg: string }> {
    return unwrap(
      'POST',
      this.api.POST('/contexts/{name}/statements/{id}/cancel', {
        params: { path: { name: context, id: String(id) } },
        signal: options.signal,
      }),
    );
  }

  /** Completion candidates at `cursor` (default: the end of `code`). */
  async complete(context: string, code: string, cursor?: number, options: CallOptions = {}): Promise<string[]> {
    const answer = await unwrap(
      'POST',
      this.api.POST('/contexts/{name}/completion', { params: { path: { name: context } }, body: { code, cursor }, signal: options.signal }),
    );
    return answer.candidates;
  }
}
