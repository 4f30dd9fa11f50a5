import { ApiProperty } from '@nestjs/swagger';

/** One named object of a live context (`GET /contexts/<name>/objects`). */
export class NamedObjectResponse {
  @ApiProperty({ example: 'numbers' }) name!: string;
  @ApiProperty({ description: 'Map, Array, string, a class name…', example: 'Array' }) type!: string;
  @ApiProperty({
    description: 'estimated heap bytes (docs/named-objects.md: a bounded walk of the value; a lower bound when partial)',
    example: 8024,
  })
  bytes!: number;
  @ApiProperty({ description: 'the walk stopped at its limit: bytes is a lower bound' }) partial!: boolean;
  @ApiProperty({ description: 'stored first (ISO-8601)' }) createdAt!: string;
  @ApiProperty({ description: 'replaced last (ISO-8601)' }) updatedAt!: string;
  @ApiProperty({ description: 'last read or stored (ISO-8601)' }) lastUsedAt!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds left to live; null: kept until destroyed' })
  ttl!: number | null;
}
