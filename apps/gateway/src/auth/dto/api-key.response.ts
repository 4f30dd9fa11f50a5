import { ApiProperty } from '@nestjs/swagger';

/** An API key as `GET /auth/keys` lists it (never its secret). */
export class ApiKeyResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'the principal that created it' }) owner!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601' }) created!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601; null: never' }) expires!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601' }) lastUsed!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'ISO-8601; null: not revoked' }) revoked!: string | null;
}

/** A new key: the listed fields and its secret, shown only here. */
export class NewApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'the secret (`jsk_…`), for `Authorization: Bearer`' }) key!: string;
}

/** `POST /auth/keys`. */
export class ApiKeyCreatedResponse {
  @ApiProperty({ enum: ['SUCCESS'] }) status!: 'SUCCESS';
  @ApiProperty({ type: () => NewApiKeyResponse }) result!: NewApiKeyResponse;
}
