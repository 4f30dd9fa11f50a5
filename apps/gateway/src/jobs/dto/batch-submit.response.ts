import { ApiProperty } from '@nestjs/swagger';

/** Answer of `POST /jobs/batch`: every job is recorded and queued; their ids in the order of the configs. */
export class BatchSubmitResponse {
  @ApiProperty({ enum: ['STARTED'] }) status!: 'STARTED';
  @ApiProperty({ type: [String], example: ['5453779a-f004-45fc-a11d-a39dae0f9bf4'] }) jobIds!: string[];
}
