import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** A seq or a line number: decimal digits, within int range. */
const COUNT = /^\d{1,9}$/;

/** Query of `GET /jobs/<id>/events`. */
export class JobEventsQuery {
  @ApiPropertyOptional({ description: 'only the events after this seq (default 0: all)' })
  @IsOptional()
  @Matches(COUNT, { message: 'after must be a non-negative integer up to 999999999 (an event seq)' })
  after?: string;
}

/** Query of `GET /jobs/<id>/logs` (Livy's). */
export class JobLogsQuery {
  @ApiPropertyOptional({ description: 'first line number (0-based); default: the last `size` lines' })
  @IsOptional()
  @Matches(COUNT, { message: 'from must be a non-negative integer up to 999999999 (a line number)' })
  from?: string;

  @ApiPropertyOptional({ description: 'at most this many lines (default 100, at most 10000)' })
  @IsOptional()
  @Matches(/^(\d{1,4}|10000)$/, { message: 'size must be an integer from 0 to 10000' })
  size?: string;
}

/** Query of `GET /events`. */
export class FirehoseQuery {
  @ApiPropertyOptional({ description: 'only this context (and its jobs)' })
  @IsOptional()
  context?: string;

  @ApiPropertyOptional({ description: 'only jobs of this app (no context events)' })
  @IsOptional()
  appName?: string;
}
