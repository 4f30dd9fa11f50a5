import { ApiProperty } from '@nestjs/swagger';

class StoredDataFile {
  @ApiProperty({ example: 'words-2026-12-02T06:00:00.000Z.dat' }) filename!: string;
}

/** `POST /data/<prefix>`: the name the file is stored under. */
export class DataUploadResponse {
  @ApiProperty({ enum: ['SUCCESS'] }) status!: 'SUCCESS';
  @ApiProperty({ type: () => StoredDataFile }) result!: StoredDataFile;
}
