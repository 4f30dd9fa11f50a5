import { ApiProperty } from '@nestjs/swagger';
import type { JobStatus } from '@jobserver/protocol';

/** Answer of `GET /jobs/counts`: how many matching jobs have each status (every status present). */
export class JobCountsResponse implements Record<JobStatus, number> {
  @ApiProperty({ example: 0 }) QUEUED!: number;
  @ApiProperty({ example: 1 }) RUNNING!: number;
  @ApiProperty({ example: 20 }) FINISHED!: number;
  @ApiProperty({ example: 3 }) ERROR!: number;
  @ApiProperty({ example: 0 }) KILLED!: number;
}
