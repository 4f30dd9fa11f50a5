import { ApiProperty } from '@nestjs/swagger';

/** A named object a snapshot left out. */
export class SnapshotSkipResponse {
  @ApiProperty({ example: 'handler' }) name!: string;
  @ApiProperty({ example: 'a function at value.onDone: functions cannot be cloned' }) reason!: string;
}

/** A stored context snapshot (`POST` and `GET /contexts/<name>/snapshots`). */
export class SnapshotResponse {
  @ApiProperty({ description: 'the snapshot id (a uuid): POST /contexts/<new>?snapshot=<id> restores it', example: '0b9f2c3e-8a51-4d3c-9d5e-2f8e1c0a7b64' })
  id!: string;
  @ApiProperty({ description: 'the name of the context it was taken of', example: 'ctx' }) context!: string;
  @ApiProperty({ description: 'when it was taken (ISO-8601)' }) createdAt!: string;
  @ApiProperty({ type: [String], description: 'names of the named objects it holds', example: ['lookup'] }) objects!: string[];
  @ApiProperty({ type: [SnapshotSkipResponse], description: 'named objects left out, with why (functions, symbols, class instances, over snapshot-max-bytes)' })
  skipped!: SnapshotSkipResponse[];
  @ApiProperty({ description: "bytes of the objects' v8.serialize output", example: 24152 }) bytes!: number;
}
