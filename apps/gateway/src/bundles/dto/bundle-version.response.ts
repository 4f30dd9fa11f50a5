import { ApiProperty } from '@nestjs/swagger';

/** One stored version of an app's bundle, in `GET /binaries/<app>`'s shape. */
export class BundleVersionResponse {
  @ApiProperty({ example: 'test' }) 'app-name'!: string;

  @ApiProperty({ enum: ['js', 'zip', 'tgz'], example: 'js' }) 'binary-type'!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T10:00:00.000Z' }) 'upload-time'!: string;

  @ApiProperty({ description: 'hex sha256 of the bytes', example: 'a'.repeat(64) }) sha256!: string;

  @ApiProperty({ description: 'bytes', example: 3120 }) size!: number;

  @ApiProperty({
    description: 'the principal that uploaded it; null while auth is off',
    type: String,
    nullable: true,
    example: 'alice',
  })
  owner!: string | null;
}
