import { Injectable } from '@nestjs/common';
import type { Principal } from './principal';

/** A verified API key. */
export interface VerifiedKey {
  readonly principal: Principal;
  readonly expires: Date | null;
}

/** API keys (API.md "Authentication and permissions"). */
@Injectable()
export class ApiKeyService {
  private readonly revokedListeners: Array<(keyId: string | undefined) => void> = [];

  /** The key a bearer token names, if it exists, is not revoked and has not expired. */
  async verify(_token: string): Promise<VerifiedKey | undefined> {
    return undefined;
  }

  /** Called with a key's id when any gateway revokes it (`undefined`: forget every key). */
  onRevoked(listener: (keyId: string | undefined) => void): void {
    this.revokedListeners.push(listener);
  }
}
