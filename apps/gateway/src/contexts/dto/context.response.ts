import { ApiProperty } from '@nestjs/swagger';

const CONTEXT_STATES = ['STARTED', 'RUNNING', 'STOPPING', 'FINISHED', 'ERROR', 'KILLED', 'RESTARTING'];

/** `GET /contexts/<name>`. */
export class ContextResponse {
  @ApiProperty({ example: 'test-context' }) name!: string;
  @ApiProperty({ enum: CONTEXT_STATES }) state!: string;
  @ApiProperty({ description: 'ISO-8601' }) startTime!: string;
  @ApiProperty({ description: 'created for one job without context= (stopped when it ends)' }) adHoc!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: {}, description: 'the context settings (num-cpu-cores, mem-per-node, …, and any other key)' })
  settings!: Record<string, unknown>;
  @ApiProperty({ description: 'jobs running in it now' }) runningJobs!: number;
  @ApiProperty({ type: String, nullable: true, description: 'the principal that started it; null while auth is off' })
  owner!: string | null;
}
