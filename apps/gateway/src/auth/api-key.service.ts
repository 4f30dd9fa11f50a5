import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { grants, isPermission, narrowPermissions, type ServerConfig } from '@jobserver/config';
import { ApiKeyRepository, type ApiKeyRecord } from '@jobserver/persistence';
import { ApiKeyNotFound, BadRequest, PermissionRequired } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import { SERVER_CONFIG } from '../infra/tokens';
import type { KeyRequest } from './api-key.request';
import type { Principal } from './principal';

/** A verified API key. */
export interface VerifiedKey {
  readonly principal: Principal;
  readonly expires: Date | null;
}

const PREFIX = 'jsk_';
const TOUCH_EVERY_MS = 60_000;
const FLUSH_EVERY_MS = 5_000;
const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * API keys (API.md "Authentication and permissions"). The secret is 32 random bytes, stored as
 * its sha256 (a high-entropy secret needs no slow hash). Any gateway reads a key from Postgres
 * on a cache miss; a revocation is announced on Redis so that every gateway forgets it at once.
 * Last use is written in batches, at most once a minute per key, off the request path.
 */
@Injectable()
export class ApiKeyService implements OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly revokedListeners: Array<(keyId: string) => void> = [];
  private readonly touched = new Map<string, number>();
  private readonly pendingUse = new Set<string>();
  private readonly flusher: NodeJS.Timeout;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: EventBus,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {
    bus.onAuth((notice) => notice.type === 'key-revoked' && this.forget(notice.keyId));
    this.flusher = setInterval(() => void this.flushUse(), FLUSH_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.flusher);
  }

  /**
   * The key a bearer token names, if it exists, is not revoked, has not expired and its owner is
   * still a user of the server config. It grants what it was made with and its owner holds today
   * (the config may have changed since): a key never outlives its owner's permissions.
   */
  async verify(token: string): Promise<VerifiedKey | undefined> {
    if (!token.startsWith(PREFIX)) return undefined;
    const record = await this.keys.findUsable(sha256(token));
    const owner = record && this.config.auth.users[record.owner];
    if (!record || !owner) return undefined;
    this.markUsed(record.id);
    const permissions = narrowPermissions(record.permissions.filter(isPermission), owner.permissions);
    return { principal: { name: record.owner, permissions, keyId: record.id }, expires: record.expiresAt };
  }

  /** Remembers that a key was used; written to Postgres later, at most once a minute. */
  markUsed(keyId: string): void {
    const last = this.touched.get(keyId);
    if (last !== undefined && Date.now() - last < TOUCH_EVERY_MS) return;
    this.touched.set(keyId, Date.now());
    this.pendingUse.add(keyId);
  }

  /**
   * Creates a key owned by `principal` holding only permissions `principal` has.
   * @throws PermissionRequired for a permission the creator lacks
   */
  async create(principal: Principal | undefined, request: KeyRequest): Promise<{ record: ApiKeyRecord; secret: string }> {
    if (!this.config.auth.enabled || !principal) throw new BadRequest('API keys need auth.enabled = true');
    for (const permission of request.permissions) {
      if (!grants(principal.permissions, permission)) throw new PermissionRequired(permission);
    }
    const secret = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const record = await this.keys.create({ ...request, secretSha256: sha256(secret), owner: principal.name });
    return { record, secret };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }

  /** Revokes a key everywhere: this gateway at once, the others through Redis. @throws ApiKeyNotFound */
  async revoke(id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new ApiKeyNotFound(id);
    this.forget(id);
    await this.bus.publishAuth({ type: 'key-revoked', keyId: id });
  }

  /** Called with a key's id when any gateway revokes it. */
  onRevoked(listener: (keyId: string) => void): void {
    this.revokedListeners.push(listener);
  }

  private forget(keyId: string): void {
    for (const listener of this.revokedListeners) listener(keyId);
  }

  private async flushUse(): Promise<void> {
    if (this.pendingUse.size === 0) return;
    const ids = [...this.pendingUse];
    this.pendingUse.clear();
    if (this.touched.size > 10_000) this.touched.clear();
    await this.keys.touch(ids).catch((error: Error) => this.logger.warn(`cannot record API key use: ${error.message}`));
  }
}
