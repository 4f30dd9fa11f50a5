import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANY_JSON } from '../infra/error.response';
import { JobReportResponse, JobSummaryResponse } from './dto/job-report.response';
import { JobAcceptedResponse, JobEndedResponse, JobKilledResponse } from './dto/job-submit.response';
import type { FastifyReply } from 'fastify';
import { bodyText } from '../infra/body-text';
import { idempotencyKey } from '../infra/idempotency';
import { JobCountsResponse } from './dto/job-counts.response';
import { JobFilterQuery, ListJobsQuery } from './dto/list-jobs.query';
import { BatchSubmitResponse } from './dto/batch-submit.response';
import { JobTargetQuery, SubmitJobQuery } from './dto/submit-job.query';
import { JobQueryService } from './job-query.service';
import { JobSubmitService } from './job-submit.service';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';

@ApiTags('jobs')
@Controller('jobs')
export class JobController {
  constructor(
    private readonly submitter: JobSubmitService,
    private readonly queries: JobQueryService,
  ) {}

  @Post()
  @RequiresPermission('jobs:start')
  @ApiOperation({ summary: 'Run a job, sync (sync=true) or async' })
  @ApiHeader({ name: 'idempotency-key', required: false, description: 'a repeat within idempotency-window answers from the first request\'s job (no second run); another request with it: 422' })
  @ApiConsumes('text/plain')
  @ApiBody({ required: false, description: 'job config, HOCON or JSON (any Content-Type)', schema: { type: 'string' } })
  @ApiOkResponse({ type: JobEndedResponse, description: 'sync: the job ended within its timeout' })
  @ApiAcceptedResponse({ type: JobAcceptedResponse, description: 'async: accepted; sync: still running after its timeout' })
  async submit(
    @Query() query: SubmitJobQuery,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
    @Headers('idempotency-key') key?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<void> {
    const answer = await this.submitter.submit(query, bodyText(body), principal, idempotencyKey(key));
    if (answer.location) void reply.header('location', answer.location);
    void reply.status(answer.status).send(answer.body);
  }

  @Post('batch')
  @HttpCode(202)
  @RequiresPermission('jobs:start')
  @ApiOperation({ summary: 'Run many async jobs of one app and classPath: one recorded and queued per config of the JSON array' })
  @ApiConsumes('application/json')
  @ApiBody({
    required: true,
    description: 'a JSON array of job configs (objects)',
    schema: { type: 'array', items: { type: 'object', additionalProperties: {} } },
  })
  @ApiAcceptedResponse({ type: BatchSubmitResponse })
  async submitBatch(
    @Query() query: JobTargetQuery,
    @Body() body: unknown,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<BatchSubmitResponse> {
    return { status: 'STARTED', jobIds: await this.submitter.submitBatch(query, bodyText(body), principal) };
  }

  @Get()
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: 'Jobs, newest first' })
  @ApiOkResponse({ type: [JobSummaryResponse] })
  list(@Query() query: ListJobsQuery, @CurrentPrincipal() principal?: Principal): Promise<Array<Record<string, unknown>>> {
    return this.queries.list(query, principal);
  }

  // Declared before `:id`, so that `counts` is not taken for a job id.
  @Get('counts')
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: 'How many jobs matching the filters have each status' })
  @ApiOkResponse({ type: JobCountsResponse })
  counts(@Query() query: JobFilterQuery, @CurrentPrincipal() principal?: Principal): Promise<JobCountsResponse> {
    return this.queries.counts(query, principal);
  }

  @Get(':id')
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: 'Status and result of a job' })
  @ApiOkResponse({ type: JobReportResponse })
  get(@Param('id') id: string, @CurrentPrincipal() principal?: Principal): Promise<Record<string, unknown>> {
    return this.queries.report(id, principal);
  }

  @Get(':id/config')
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: 'The config the job was posted with' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: ANY_JSON }, description: 'the posted config as JSON' })
  config(@Param('id') id: string, @CurrentPrincipal() principal?: Principal): Promise<unknown> {
    return this.queries.postedConfig(id, principal);
  }

  @Delete(':id')
  @RequiresPermission('jobs:delete')
  @ApiOperation({ summary: 'Kill a queued or running job' })
  @ApiOkResponse({ type: JobKilledResponse })
  async cancel(@Param('id') id: string, @CurrentPrincipal() principal?: Principal): Promise<object> {
    await this.queries.cancel(id, principal);
    return { status: 'KILLED' };
  }
}
