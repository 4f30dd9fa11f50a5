import { ApiProperty } from '@nestjs/swagger';

/**
 * An event of `GET /jobs/<id>/events` (JSON, or the `data:` of its Server-Sent Events), its own
 * fields flat beside these: progress `{fraction, done?, total?, message?}`, stage `{name}`, log
 * `{line, level, message, fields?}`, retry `{attempt, error}` (the run that begins, why the last failed),
 * and the terminal ones the job's final report.
 */
export class JobEventResponse {
  @ApiProperty({ description: 'gap-free per job, from 1; the SSE id' }) seq!: number;
  @ApiProperty({ description: 'ISO-8601' }) time!: string;
  @ApiProperty({ enum: ['queued', 'running', 'progress', 'stage', 'log', 'retry', 'finished', 'error', 'killed'] }) type!: string;
  [field: string]: unknown;
}

/** `GET /jobs/<id>/logs` (Livy's shape). */
export class JobLogResponse {
  @ApiProperty() jobId!: string;
  @ApiProperty({ description: 'line number of the first line' }) from!: number;
  @ApiProperty({ description: 'lines logged in all (the newest log-lines-retained are kept)' }) total!: number;
  @ApiProperty({ type: [String], description: '"<ISO time> <LEVEL> <message>[ <fields as JSON>]"' }) log!: string[];
}
