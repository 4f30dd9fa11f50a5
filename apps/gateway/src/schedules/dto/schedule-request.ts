import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Body of `POST /schedules/<name>` (OpenAPI only: the gateway reads the body as text and
 * checks it in schedule-body.ts, refusing unknown fields).
 */
export class ScheduleRequestBody {
  @ApiProperty({ example: 'test' }) appName!: string;
  @ApiProperty({ example: 'spark.jobserver.WordCountExample' }) classPath!: string;
  @ApiPropertyOptional({ description: 'named context to run in; absent: an ad-hoc context per job' }) context?: string;
  @ApiPropertyOptional({ description: 'five fields: minute hour day-of-month month day-of-week (give cron or every)', example: '*/5 * * * *' })
  cron?: string;
  @ApiPropertyOptional({ description: 'a duration such as 30s, 5m, 2h; at least schedule-min-interval (give cron or every)', example: '5m' })
  every?: string;
  @ApiPropertyOptional({ description: "the cron's IANA time zone (default UTC)", example: 'Europe/Berlin' }) timezone?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "each job's config (default {})" })
  config?: Record<string, unknown>;
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: "each job's priority (default 50)" }) priority?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: "each job's retries after its executor or worker died (default 0)" }) retries?: number;
  @ApiPropertyOptional({ enum: ['once', 'skip'], description: 'ticks missed while no scheduler ran: one job for them all, or none (default schedule-missed)' })
  missed?: 'once' | 'skip';
}
