import { ApiProperty } from '@nestjs/swagger';

/** `{"status":"SUCCESS"}`: an upload or a delete that worked. */
export class SuccessResponse {
  @ApiProperty({ enum: ['SUCCESS'] }) status!: 'SUCCESS';
}

/** `{"status":"SUCCESS","result":"<what was done>"}` (`Context initialized`, `Context stopped`, `Data reset`, …). */
export class SuccessMessageResponse extends SuccessResponse {
  @ApiProperty({ example: 'Context initialized' }) result!: string;
}
