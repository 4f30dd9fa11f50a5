import { Worker, type Job, type RedisClient } from 'bullmq';

/** What PromptWorker reads of BullMQ's Worker: set while a fetch blocks for a job (bullmq 5). */
interface WorkerState {
  waiting: Promise<number> | null;
}

/**
 * A BullMQ Worker that runs a lone job it fetched before fetching the next one.
 *
 * BullMQ's main loop, once a fetch brings a job, fetches again before it hands the job to the
 * processor; it stops fetching only on an empty answer (or a full set of slots). So a job that
 * arrives at an idle worker, the usual case of a sync request, waits for one more
 * `moveToActive` round trip before it runs. Here, while no job is in the processor, the
 * non-blocking fetch that follows a fetched job answers "empty" without asking Redis: the loop
 * runs the job, and its next fetch asks Redis as usual. A fetch that follows a blocking wait
 * always asks Redis (the wait took the queue's marker: answering empty would leave the job
 * waiting until the next block times out). A busy worker fetches as BullMQ does (several jobs
 * ahead, and the next one with each completion).
 */
export class PromptWorker<DataType = unknown, ResultType = unknown, NameType extends string = string> extends Worker<
  DataType,
  ResultType,
  NameType
> {
  /** The last fetch asked Redis and brought a job that is not in the processor yet. */
  private fetchedJob = false;
  /** Jobs in the processor now. */
  private processing = 0;

  protected override async moveToActive(client: RedisClient, token: string, name?: string): Promise<Job<DataType, ResultType, NameType>> {
    const afterBlocking = (this as unknown as WorkerState).waiting !== null;
    if (this.fetchedJob && this.processing === 0 && !afterBlocking) {
      this.fetchedJob = false;
      return undefined as unknown as Job<DataType, ResultType, NameType>;
    }
    const job = await super.moveToActive(client, token, name);
    this.fetchedJob = job !== undefined;
    return job;
  }

  protected override async callProcessJob(job: Job<DataType, ResultType, NameType>, token: string, signal?: AbortSignal): Promise<ResultType> {
    this.fetchedJob = false;
    this.processing++;
    try {
      return await super.callProcessJob(job, token, signal);
    } finally {
      this.processing--;
    }
  }
}
