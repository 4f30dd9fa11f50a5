import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_JSON } from '../../infra/error.response';

/** Where a job runs: `result` of a 202 answer. */
export class JobPlaceResponse {
  @ApiProperty() jobId!: string;
  @ApiProperty({ description: 'the context it runs in' }) context!: string;
}

/**
 * 202 of `POST /jobs`: async accepted (`STARTED` once validated, `QUEUED` if still waiting after
 * accept-timeout), with the flat report fields; or sync past its `timeout` (`RUNNING`, only
 * status and result, with `Location: /jobs/<id>`).
 */
export class JobAcceptedResponse {
  @ApiProperty({ enum: ['STARTED', 'QUEUED', 'RUNNING'] }) status!: string;
  @ApiProperty({ type: () => JobPlaceResponse }) result!: JobPlaceResponse;
  @ApiPropertyOptional({ description: 'async answers only' }) jobId?: string;
  @ApiPropertyOptional({ description: 'async answers only' }) context?: string;
  @ApiPropertyOptional({ description: 'async answers only' }) classPath?: string;
  @ApiPropertyOptional({ description: 'async answers only; ISO-8601' }) startTime?: string;
  @ApiPropertyOptional({ description: 'async answers only: "Job not done yet"' }) duration?: string;
}

/** 200 of a sync `POST /jobs`: the job ended within its timeout. */
export class JobEndedResponse {
  @ApiProperty({ enum: ['OK', 'ERROR', 'KILLED'] }) status!: string;
  @ApiProperty({ ...ANY_JSON, description: "OK: the job's result (null for undefined); else an error object" }) result!: unknown;
  @ApiProperty() jobId!: string;
}

/** `DELETE /jobs/<id>`: the job stops. */
export class JobKilledResponse {
  @ApiProperty({ enum: ['KILLED'] }) status!: 'KILLED';
}
