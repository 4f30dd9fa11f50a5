import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Length, Matches } from 'class-validator';
import { JOB_STATUSES } from '@jobserver/protocol';

/** A job status (or `OK`, the label of a finished job), in any case. */
const STATUS = new RegExp(`^(${[...JOB_STATUSES, 'OK'].join('|')})$`, 'i');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** No U+0000: no name holds one, and Postgres' text cannot (a filter with one would fail the query). */
const NO_NUL = /^[^\u0000]*$/u;

/** Filters of `GET /jobs` and `GET /jobs/counts` (all exact but `q`; each narrows). */
export class JobFilterQuery {
  @ApiPropertyOptional({ description: 'only jobs of this app (exact)' })
  @IsOptional()
  @Length(1, 200, { message: 'appName must be 1 to 200 characters' })
  @Matches(NO_NUL, { message: 'appName may not hold a NUL character (U+0000)' })
  appName?: string;

  @ApiPropertyOptional({ description: 'only jobs of this classPath (exact)' })
  @IsOptional()
  @Length(1, 500, { message: 'classPath must be 1 to 500 characters' })
  @Matches(NO_NUL, { message: 'classPath may not hold a NUL character (U+0000)' })
  classPath?: string;

  @ApiPropertyOptional({ description: 'only jobs run in this context (exact name)' })
  @IsOptional()
  @Length(1, 200, { message: 'context must be 1 to 200 characters' })
  @Matches(NO_NUL, { message: 'context may not hold a NUL character (U+0000)' })
  context?: string;

  @ApiPropertyOptional({
    description: 'a full job id (that job), else a case-insensitive prefix of app name, classPath or context',
  })
  @IsOptional()
  @Length(1, 200, { message: 'q must be 1 to 200 characters' })
  @Matches(NO_NUL, { message: 'q may not hold a NUL character (U+0000)' })
  q?: string;
}

/** Query of `GET /jobs`. */
export class ListJobsQuery extends JobFilterQuery {
  @ApiPropertyOptional({ description: 'at most this many jobs (default 50)' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,5}$/, { message: 'limit must be an integer from 1 to 999999' })
  limit?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES, description: 'only jobs of this status (case-insensitive)' })
  @IsOptional()
  @Matches(STATUS, { message: `status must be one of ${JOB_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ description: 'keyset paging: only jobs older than this job (its id) in the list' })
  @IsOptional()
  @Matches(UUID, { message: 'before must be a job id' })
  before?: string;

  @ApiPropertyOptional({
    enum: ['submitTime'],
    description: "extra fields of each job beyond API.md's list shape: submitTime (when the job was recorded)",
  })
  @IsOptional()
  @IsIn(['submitTime'], { message: 'include must be submitTime' })
  include?: string;
}
