import { ApiProperty } from '@nestjs/swagger';

const BINARY_TYPES = ['js', 'zip', 'tgz'];

/** An app's latest version in `GET /binaries` (keyed by app name). */
export class BinarySummaryResponse {
  @ApiProperty({ name: 'binary-type', enum: BINARY_TYPES }) 'binary-type'!: string;
  @ApiProperty({ name: 'upload-time', description: 'ISO-8601', example: '2026-12-02T06:00:00.000Z' }) 'upload-time'!: string;
}

/** `GET /binaries/<app>`: the app's latest version. */
export class BinaryInfoResponse extends BinarySummaryResponse {
  @ApiProperty({ name: 'app-name', example: 'test' }) 'app-name'!: string;
  @ApiProperty({ description: 'hex sha256 of the bundle bytes' }) sha256!: string;
  @ApiProperty({ description: 'bytes' }) size!: number;
  @ApiProperty({ type: String, nullable: true, description: 'the principal that uploaded it; null while auth is off' })
  owner!: string | null;
}
