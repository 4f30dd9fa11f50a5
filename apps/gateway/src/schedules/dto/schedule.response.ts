import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One tick of a schedule: the job it submitted, or why none ran. */
export class ScheduleRunResponse {
  @ApiProperty({ description: 'the tick (ISO-8601)' }) tick!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the job it submitted' }) jobId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the job's status while the job is kept" }) status!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'why no job ran' }) error!: string | null;
}

/** A schedule (`GET /schedules/<name>`; `GET /schedules` lists them without `lastJobs`). */
export class ScheduleResponse {
  @ApiProperty({ example: 'nightly-report' }) name!: string;
  @ApiProperty({ example: 'test' }) appName!: string;
  @ApiProperty({ example: 'spark.jobserver.WordCountExample' }) classPath!: string;
  @ApiProperty({ type: String, nullable: true, description: 'named context of its jobs; null: an ad-hoc context each' })
  context!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '*/5 * * * *' }) cron!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '30s' }) every!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the cron's IANA time zone", example: 'UTC' }) timezone!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "the jobs' config" }) config!: Record<string, unknown>;
  @ApiProperty({ example: 50 }) priority!: number;
  @ApiProperty({ example: 0, description: "each job's retries" }) retries!: number;
  @ApiProperty({ enum: ['once', 'skip'], description: 'what happens to ticks missed while no scheduler ran' }) missed!: string;
  @ApiProperty() paused!: boolean;
  @ApiProperty({ description: 'created (ISO-8601)' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'next tick (ISO-8601); null while paused' }) nextRunAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'last tick that ran or was skipped (ISO-8601)' }) lastRunAt!: string | null;
  @ApiPropertyOptional({ type: [ScheduleRunResponse], description: 'the newest ticks, newest first (GET /schedules/<name> only)' })
  lastJobs?: ScheduleRunResponse[];
}
