import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `GET /healthz`: `{"status":"SUCCESS"}`, or 503 `{"status":"ERROR","result":"<what is down>"}`. */
export class HealthResponse {
  @ApiProperty({ enum: ['SUCCESS', 'ERROR'] }) status!: string;
  @ApiPropertyOptional({ example: 'Redis unreachable' }) result?: string;
}

/** A live process of the cluster. */
export class ProcessStatusResponse {
  @ApiProperty({ description: '`<role>-<host>-<pid>`' }) id!: string;
  @ApiProperty({ enum: ['gateway', 'scheduler', 'context-worker'] }) role!: string;
  @ApiProperty({ description: 'its instance-id setting' }) instance!: string;
  @ApiProperty() version!: string;
  @ApiProperty() host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty({ description: 'ISO-8601' }) startTime!: string;
  @ApiProperty() uptimeSeconds!: number;
  @ApiProperty({ description: 'ISO-8601' }) lastHeartbeat!: string;
  @ApiProperty({ type: [String], description: 'contexts a context worker hosts' }) contexts!: string[];
}

/** `GET /status`. */
export class ClusterStatusResponse {
  @ApiProperty({ type: () => [ProcessStatusResponse] }) processes!: ProcessStatusResponse[];
}
