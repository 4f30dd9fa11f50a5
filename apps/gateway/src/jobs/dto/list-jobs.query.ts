import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { JOB_STATUSES } from '@jobserver/protocol';

/** A job status (or `OK`, the label of a finished job), in any case. */
const STATUS = new RegExp(`^(${[...JOB_STATUSES, 'OK'].join('|')})$`, 'i');

/** Query of `GET /jobs`. */
export class ListJobsQuery {
  @ApiPropertyOptional({ description: 'at most this many jobs (default 50)' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,5}$/, { message: 'limit must be a positive integer' })
  limit?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES, description: 'only jobs of this status (case-insensitive)' })
  @IsOptional()
  @Matches(STATUS, { message: `status must be one of ${JOB_STATUSES.join(', ')}` })
  status?: string;
}
