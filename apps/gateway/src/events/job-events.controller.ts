import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { JobEventResponse, JobLogResponse } from './dto/job-event.response';
import { NotAcceptable } from '@jobserver/protocol';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { FirehoseQuery, JobEventsQuery, JobLogsQuery } from './dto/job-events.query';
import { JobEventsService, type JobLogAnswer } from './job-events.service';
import { admitsStream, asksForStream } from '../infra/accept';

const EVENT_STREAM = 'text/event-stream';

@ApiTags('jobs')
@Controller('jobs')
export class JobEventsController {
  constructor(private readonly events: JobEventsService) {}

  @Get(':id/events')
  @RequiresPermission('jobs:read')
  @ApiProduces('application/json', EVENT_STREAM)
  @ApiOperation({ summary: "A job's events as JSON, or with Accept: text/event-stream as a live stream" })
  @ApiOkResponse({
    type: [JobEventResponse],
    description: 'JSON: at most 10 000 events (read on with after=); SSE: `id: <seq>`, `event: <type>`, `data: <the event>`',
  })
  async jobEvents(
    @Param('id') id: string,
    @Query() query: JobEventsQuery,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<void> {
    if (asksForStream(accept)) return this.events.streamJob(id, query.after, lastEventId, principal, reply);
    void reply.send(await this.events.list(id, query.after, principal));
  }

  @Get(':id/logs')
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: "A job's log lines (Livy's shape)" })
  @ApiOkResponse({ type: JobLogResponse })
  logs(@Param('id') id: string, @Query() query: JobLogsQuery, @CurrentPrincipal() principal?: Principal): Promise<JobLogAnswer> {
    return this.events.logs(id, query.from, query.size, principal);
  }
}

@ApiTags('events')
@Controller('events')
export class FirehoseController {
  constructor(private readonly events: JobEventsService) {}

  @Get()
  @RequiresPermission('jobs:read')
  @ApiProduces(EVENT_STREAM)
  @ApiOperation({ summary: "Live state changes of the cluster's jobs and contexts (Server-Sent Events only)" })
  @ApiOkResponse({
    description: '`event: job`, data `{jobId, status, context, appName, classPath}`; `event: context`, data `{name, state}`',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  firehose(
    @Query() query: FirehoseQuery,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal?: Principal,
  ): void {
    if (!admitsStream(accept)) throw new NotAcceptable('GET /events answers only text/event-stream (Server-Sent Events)');
    this.events.streamAll({ context: query.context, appName: query.appName }, principal, reply);
  }
}
