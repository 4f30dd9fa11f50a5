/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** How many batches may be in flight at once (each holds a database connection, say). */
  lanes: number;
  /** The most calls one batch takes. */
  maxBatch: number;
  /**
   * Whether a batch that failed with `error` is run again one call at a time (see GroupCommit).
   * @defaultValue always
   */
  retryAlone?: (error: unknown) => boolean;
}

interface Call<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs concurrent calls of one operation as batches (group commit): a call starts at once when
 * fewer than `lanes` batches are in flight; otherwise it waits, and the next lane to free up
 * takes every waiting call (at most `maxBatch`) as one batch. No timer: a lone call is never
 * delayed, and batches grow only while every lane is busy, i.e. under load.
 *
 * A batch that fails is run again one call at a time (unless `retryAlone` says no), so that a
 * call whose own item is at fault fails alone (an outage still fails each of them).
 */
export class GroupCommit<I, O> {
  private readonly waiting: Array<Call<I, O>> = [];
  private inFlight = 0;

  /** @param runBatch one result per item, in the items' order */
  constructor(
    private readonly runBatch: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Runs `item` in the next batch; resolves with its own result. */
  run(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.lanes && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.settle(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async settle(batch: Array<Call<I, O>>): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((call) => call.item));
      batch.forEach((call, i) => call.resolve(results[i] as O));
    } catch (error) {
      if (batch.length === 1 || this.options.retryAlone?.(error) === false) return batch.forEach((call) => call.reject(error));
      await Promise.all(batch.map((call) => this.settle([call])));
    }
  }
}
