import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';

/** A positive decimal number of seconds (no sign, no exponent, not zero). */
const POSITIVE_SECONDS = /^(?!0*\.?0*$)(\d+\.?\d*|\.\d+)$/;

/** Holds something besides white space: an empty or blank value is a missing one. */
const IsNotBlank = (message: string) =>
  ValidateBy(
    {
      name: 'isNotBlank',
      validator: { validate: (value) => typeof value === 'string' && /\S/.test(value) },
    },
    { message },
  );

/** Which app, export and context a job runs: query of `POST /jobs/batch`, and the base of `POST /jobs`'s. */
export class JobTargetQuery {
  @ApiProperty({ description: 'app name of an uploaded bundle', example: 'test' })
  @IsString({ message: 'appName is required' })
  // class-validator runs the decorator nearest the field first: a blank value is reported as missing.
  @IsNotBlank('appName is required')
  appName: string;

  @ApiProperty({ description: 'the job export', example: 'spark.jobserver.WordCountExample' })
  @IsString({ message: 'classPath is required' })
  // An ad-hoc context is named `<8 hex>-<classPath>` (name characters only): ≤ 200 chars in all.
  // ':' and control characters never name an export of a real bundle: refused as before.
  @MaxLength(191, { message: 'classPath must be at most 191 characters' })
  @Matches(/^[^:\p{Cc}]+$/u, { message: "classPath may not contain ':' or control characters" })
  @IsNotBlank('classPath is required')
  classPath: string;

  @ApiPropertyOptional({ description: 'named context to run in; absent = a new ad-hoc context' })
  @IsOptional()
  @IsString()
  context?: string;

  @ApiPropertyOptional({
    description: "0–100 (default 50): within the context's queue, higher first; equal ones in submission order",
    example: '80',
  })
  @IsOptional()
  @Matches(/^0*(100|[1-9]?\d)$/, { message: 'priority must be a whole number from 0 to 100' })
  priority?: string;

  @ApiPropertyOptional({
    description:
      '0–10 (default 0): times the job is run again if its executor or worker dies under it, or it throws an error with retryable: true',
    example: '2',
  })
  @IsOptional()
  @Matches(/^0*(10|\d)$/, { message: 'retries must be a whole number from 0 to 10' })
  retries?: string;

  @ApiPropertyOptional({
    description: "absolute http(s) URL POSTed with the job's end (mainline's callbackUrl), URL-encoded; at most 2048 characters; a batch's jobs each POST it",
  })
  @IsOptional()
  @IsString()
  callbackUrl?: string;
}

/** Query of `POST /jobs`. */
export class SubmitJobQuery extends JobTargetQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'wait for the result' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'sync must be true or false' })
  sync?: string;

  @ApiPropertyOptional({ description: 'seconds a sync request waits (default 60)' })
  @IsOptional()
  @Matches(POSITIVE_SECONDS, { message: 'timeout must be a positive number of seconds' })
  timeout?: string;
}
