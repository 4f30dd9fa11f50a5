/**
 * Where a running job's retained log rows are, so that trimming the oldest beyond
 * `log-lines-retained` reads only the rows that may go (a range of seqs), never the whole
 * history of a long job: one entry per written batch that still holds kept lines.
 */
export class LogRetention {
  private batches: Array<{ firstSeq: number; lastLine: number }> = [];

  constructor(readonly retained: number) {}

  /** For a batch whose last line is `lastLine`: the first line to keep, and the rows to trim, if any. */
  plan(lastLine: number): { keepFromLine: number; trim?: { belowLine: number; fromSeq: number } } {
    const keepFromLine = Math.max(0, lastLine + 1 - this.retained);
    const oldest = this.batches[0];
    return oldest && keepFromLine > 0 ? { keepFromLine, trim: { belowLine: keepFromLine, fromSeq: oldest.firstSeq } } : { keepFromLine };
  }

  /** After the batch was written: its kept lines start at seq `firstSeq` (if it kept any); drops batches now fully trimmed. */
  written(keepFromLine: number, kept: { firstSeq: number; lastLine: number } | undefined): void {
    this.batches = this.batches.filter((batch) => batch.lastLine >= keepFromLine);
    if (kept) this.batches.push(kept);
  }
}
