import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_JSON } from '../../infra/error.response';

/** `data` of an ok output. */
export class StatementDataResponse {
  @ApiProperty({ name: 'text/plain', description: 'captured console output, then util.inspect of the value' })
  'text/plain'!: string;

  @ApiPropertyOptional({ ...ANY_JSON, name: 'application/json', description: 'the value serialized like a job result; absent for undefined' })
  'application/json'?: unknown;
}

/** `output` of an available statement: ok (`data`) or error (`ename`, `evalue`, `traceback`). */
export class StatementOutputResponse {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: string;
  @ApiProperty({ description: 'the statement id' }) execution_count!: number;
  @ApiPropertyOptional({ type: () => StatementDataResponse, description: 'ok only' }) data?: StatementDataResponse;
  @ApiPropertyOptional({ description: 'error only: the error name' }) ename?: string;
  @ApiPropertyOptional({ description: 'error only: the message' }) evalue?: string;
  @ApiPropertyOptional({ type: [String], description: 'error only: the frames' }) traceback?: string[];
}

/** A console statement (Livy's shape). */
export class StatementResponse {
  @ApiProperty({ description: 'counts from 0 per context' }) id!: number;
  @ApiProperty() code!: string;
  @ApiProperty({ enum: ['waiting', 'running', 'available', 'cancelling', 'cancelled'] }) state!: string;
  @ApiProperty({ type: () => StatementOutputResponse, nullable: true, description: 'null until available' })
  output!: StatementOutputResponse | null;
  @ApiProperty({ description: '0…1' }) progress!: number;
  @ApiProperty({ description: 'epoch ms, 0 until it started' }) started!: number;
  @ApiProperty({ description: 'epoch ms, 0 until it ended' }) completed!: number;
}

/** `GET /contexts/<name>/statements`. */
export class StatementListResponse {
  @ApiProperty() total_statements!: number;
  @ApiProperty({ type: () => [StatementResponse], description: 'newest last' }) statements!: StatementResponse[];
}

/** `POST …/statements/<id>/cancel`. */
export class StatementCancelResponse {
  @ApiProperty({ enum: ['canceled'] }) msg!: string;
}

/** `POST /contexts/<name>/completion`. */
export class CompletionResponse {
  @ApiProperty({ type: [String], description: 'at most 200' }) candidates!: string[];
}
