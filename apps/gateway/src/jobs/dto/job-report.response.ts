import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES } from '@jobserver/protocol';
import { ANY_JSON } from '../../infra/error.response';

const DURATION = '`"<seconds> secs"`, or `"Job not done yet"`';

/** The fields of every job report but its status. */
abstract class JobFieldsResponse {
  @ApiProperty({ example: '5453779a-f004-45fc-a11d-a39dae0f9bf4' }) jobId!: string;
  @ApiProperty({ example: 'spark.jobserver.WordCountExample' }) classPath!: string;
  @ApiProperty({ example: 'test' }) appName!: string;
  @ApiProperty({ description: 'the context it runs in (an ad-hoc one: `<8 hex>-<classPath>`)' }) context!: string;
  @ApiProperty({ description: 'ISO-8601: when it started running (its submission while queued)' }) startTime!: string;
  @ApiProperty({ description: DURATION, example: '0.012 secs' }) duration!: string;
}

/** A job in `GET /jobs`. */
export class JobSummaryResponse extends JobFieldsResponse {
  @ApiProperty({ enum: JOB_STATUSES }) status!: string;
}

/** `progress` of a report: the latest the job reported (fraction 1 once finished). */
export class JobProgressResponse {
  @ApiProperty({ description: '0…1' }) fraction!: number;
  @ApiPropertyOptional() done?: number;
  @ApiPropertyOptional() total?: number;
  @ApiPropertyOptional() message?: string;
}

/** A stage of a report (`ctx.stage(name)`). */
export class JobStageResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'ISO-8601' }) startTime!: string;
  @ApiProperty({ description: DURATION }) duration!: string;
}

/** `callback` of a report: the delivery of its `callbackUrl`. */
export class JobCallbackResponse {
  @ApiProperty() url!: string;
  @ApiProperty({ enum: ['PENDING', 'DELIVERED', 'FAILED'] }) state!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the last attempt; null before one, or when it got no answer' })
  lastStatus!: number | null;
}

/** `GET /jobs/<id>`: the job's report. */
export class JobReportResponse extends JobFieldsResponse {
  @ApiProperty({
    enum: [...JOB_STATUSES, 'OK'],
    description: 'QUEUED or RUNNING; when ended OK (FINISHED with api-compat = mainline), ERROR or KILLED',
  })
  status!: string;

  @ApiProperty({ type: String, nullable: true, description: 'the principal that submitted it; null while auth is off' })
  owner!: string | null;

  @ApiProperty({ minimum: 0, maximum: 100, description: "0–100 (default 50): within its context's queue, higher first" })
  priority!: number;

  @ApiProperty({ minimum: 0, maximum: 10, description: 'runs after the first it may get if its executor or worker dies (or it throws a retryable error); 0 by default' })
  retries!: number;

  @ApiProperty({ minimum: 1, maximum: 11, description: 'the number of its current (or last) run: 1, then 2 after the first retry…' })
  attempt!: number;

  @ApiPropertyOptional({ type: () => JobProgressResponse, description: 'once it reported progress; always once finished' })
  progress?: JobProgressResponse;

  @ApiPropertyOptional({ type: () => [JobStageResponse], description: 'once a stage began' })
  stages?: JobStageResponse[];

  @ApiPropertyOptional({ type: () => JobCallbackResponse, description: 'when submitted with callbackUrl' })
  callback?: JobCallbackResponse;

  @ApiPropertyOptional({
    ...ANY_JSON,
    description: 'OK: the result (absent when the job returned undefined); ERROR and KILLED: an error object {message, errorClass, stack}',
  })
  result?: unknown;
}
