import type { DataSource } from 'typeorm';

/** An API key as stored: never its secret, only the secret's sha256. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  permissions: string[];
  owner: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  secretSha256: string;
  permissions: readonly string[];
  owner: string;
  expiresAt: Date | null;
}

const COLUMNS = `id, name, permissions, owner, created_at AS "createdAt", expires_at AS "expiresAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** API keys (`api_keys`), read by every gateway on a cache miss. */
export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(key: NewApiKey): Promise<ApiKeyRecord> {
    const rows: ApiKeyRecord[] = await this.dataSource.query(
      `INSERT INTO api_keys (name, secret_sha256, permissions, owner, expires_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [key.name, key.secretSha256, JSON.stringify(key.permissions), key.owner, key.expiresAt],
    );
    return rows[0];
  }

  /** The key of a secret's sha256, unless it is revoked or expired. */
  async findUsable(secretSha256: string): Promise<ApiKeyRecord | null> {
    const rows: ApiKeyRecord[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM api_keys WHERE secret_sha256 = $1 AND revoked_at IS NULL
         AND (expires_at IS NULL OR expires_at > now())`,
      [secretSha256],
    );
    return rows[0] ?? null;
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at`);
  }

  /** Revokes a key; false if there is no such key or it was revoked before. */
  async revoke(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const [, affected] = await this.dataSource.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return affected > 0;
  }

  /** Records that these keys were used just now. */
  async touch(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.dataSource.query('UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1)', [ids]);
  }
}
