import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { JobEventRepository } from '@jobserver/persistence';
import { BadRequest } from '@jobserver/protocol';
import type { FastifyReply } from 'fastify';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { SERVER_CONFIG } from '../infra/tokens';
import { JobQueryService } from '../jobs/job-query.service';
import { EventFacts } from './event-facts.service';
import { EventHub } from './event-hub.service';
import { FirehoseStream, type FirehoseFilter } from './firehose.stream';
import { JobEventReader } from './job-event.reader';
import { JobEventStream } from './job-event.stream';
import type { JobEventOut } from './job-event-list';
import { SseSink } from './sse-sink';

/** Most events one JSON answer holds; the client reads on with `after=<last seq>`. */
const JSON_PAGE = 10_000;
/** Output a stream may have waiting for a client that does not read before it is dropped. */
const MAX_STREAM_BUFFER = 1024 * 1024;
const SEQ = /^\d{1,9}$/;
/**
 * The firehose gathers its writes this long: each of its clients gets every event of the
 * cluster, and a send per event per client costs more than dashboards gain from it.
 */
const FIREHOSE_FLUSH_MS = 10;

/** `GET /jobs/<id>/logs`: Livy's shape. */
export interface JobLogAnswer {
  jobId: string;
  from: number;
  total: number;
  log: string[];
}

/** A job's history (events, logs) and live Server-Sent Event streams of jobs and of the cluster. */
@Injectable()
export class JobEventsService {
  private readonly logger = new Logger('EventStreams');

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly queries: JobQueryService,
    private readonly reader: JobEventReader,
    private readonly events: JobEventRepository,
    private readonly hub: EventHub,
    private readonly facts: EventFacts,
    private readonly owners: OwnerScope,
    private readonly redis: RedisReadiness,
  ) {}

  /** The job's events after `after`, at most 10 000 (then without the terminal event). @throws JobNotFound */
  async list(jobId: string, after: string | undefined, principal?: Principal): Promise<JobEventOut[]> {
    const job = await this.queries.find(jobId, principal);
    // The page's rows, with the queued and running the reader adds from the row: at most JSON_PAGE in all.
    return (await this.reader.page(job, Number(after ?? 0), JSON_PAGE)).events.slice(0, JSON_PAGE);
  }

  /** Lines `from` … `from + size - 1`, or the last `size` lines without `from`. @throws JobNotFound */
  async logs(jobId: string, from: string | undefined, size: string | undefined, principal?: Principal): Promise<JobLogAnswer> {
    const job = await this.queries.find(jobId, principal);
    const count = Number(size ?? 100);
    const first = from === undefined ? Math.max(0, job.logLines - count) : Number(from);
    const lines = await this.events.logLines(job.id, first, count);
    const log = lines.map(({ time, level, message, fields }) =>
      `${time.toISOString()} ${level} ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`,
    );
    // `from` is the number of the first line answered: lines older than log-lines-retained are gone,
    // so a client paging by from + log.length neither repeats nor skips one.
    return { jobId: job.id, from: lines[0]?.line ?? first, total: job.logLines, log };
  }

  /**
   * Streams the job's events after `Last-Event-ID` (else `after`), then live ones, until its end.
   * Everything that can fail is checked before the stream's headers go out, so that it fails as
   * plain JSON. @throws BadRequest, JobNotFound, ServiceUnavailable
   */
  async streamJob(jobId: string, after: string | undefined, lastEventId: string | undefined, principal: Principal | undefined, reply: FastifyReply): Promise<void> {
    if (lastEventId !== undefined && !SEQ.test(lastEventId.trim())) {
      throw new BadRequest('Last-Event-ID must be a non-negative integer up to 999999999 (an event seq)');
    }
    const from = Number(lastEventId?.trim() ?? after ?? 0);
    const job = await this.queries.find(jobId, principal);
    this.redis.assertReady();
    const sink = this.openSink(reply, { jobId: job.id });
    new JobEventStream(job.id, from, sink, this.reader, this.logger).start(this.hub, this.config.eventStreamKeepAliveMs);
    this.logWhenClosed(sink, { jobId: job.id });
  }

  /** Streams the cluster's live job and context state changes (what the principal may see). @throws ServiceUnavailable */
  streamAll(filter: Omit<FirehoseFilter, 'owner'>, principal: Principal | undefined, reply: FastifyReply): void {
    this.redis.assertReady();
    const sink = this.openSink(reply, {}, FIREHOSE_FLUSH_MS);
    const owner = this.owners.of(principal);
    new FirehoseStream({ ...filter, owner }, sink, this.facts, this.logger).start(this.hub, this.config.eventStreamKeepAliveMs);
    this.logWhenClosed(sink, {});
  }

  /**
   * Takes the raw response from Fastify (hijack) and opens the stream on it: Nest's @Sse would
   * send its headers before we could answer 404, and gives no view of the socket's buffer.
   */
  private openSink(reply: FastifyReply, about: Record<string, unknown>, flushDelayMs = 0): SseSink {
    reply.hijack();
    const sink = new SseSink(
      reply.raw,
      MAX_STREAM_BUFFER,
      (buffered) => this.logger.warn({ ...about, buffered }, 'event stream client does not read; dropped'),
      flushDelayMs,
    );
    sink.open();
    // HEAD answers like GET without a body: the head, then the end (no stream is kept open).
    if (reply.request.method === 'HEAD') sink.end();
    return sink;
  }

  /** After the stream's own clean-up ran: what the gateway still holds (the leak check reads it). */
  private logWhenClosed(sink: SseSink, about: Record<string, unknown>): void {
    sink.onClose(() => this.logger.debug({ ...about, ...this.hub.stats() }, 'event stream closed'));
  }
}
