import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { JOB_STATUSES } from '@jobserver/protocol';

const STATUSES = [...JOB_STATUSES, ...JOB_STATUSES.map((s) => s.toLowerCase()), 'OK', 'ok'];

/** Query of `GET /jobs`. */
export class ListJobsQuery {
  @ApiPropertyOptional({ description: 'at most this many jobs (default 50)' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,5}$/, { message: 'limit must be a positive integer' })
  limit?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES, description: 'only jobs of this status (case-insensitive)' })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${JOB_STATUSES.join(', ')}` })
  status?: string;
}
