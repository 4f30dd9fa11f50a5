/** How long the write of an end is retried while Postgres does not answer (a restart), and how often. */
const RETRY_FOR_MS = 120_000;
const RETRY_EVERY_MS = 500;

/**
 * Runs `write` until it succeeds, again every 500 ms while it throws (a Postgres outage): what ran
 * must not be lost to a restart of the database. Gives up after 2 minutes, or as soon as
 * `givingUp()` says so (the worker stops); `onFirstFailure` hears the first error.
 * @throws the last error when it gives up
 */
export async function retryDuringOutage<T>(write: () => Promise<T>, givingUp: () => boolean, onFirstFailure: (err: unknown) => void): Promise<T> {
  const until = Date.now() + RETRY_FOR_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (givingUp() || Date.now() > until) throw err;
      if (attempt === 0) onFirstFailure(err);
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }
}
