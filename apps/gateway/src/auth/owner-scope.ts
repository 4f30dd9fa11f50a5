import { Inject, Injectable } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { SERVER_CONFIG } from '../infra/tokens';
import type { Principal } from './principal';

/**
 * `auth.isolate-owners`: a principal without `*` sees and acts only on its own contexts and
 * jobs; the others' answer as if absent (404). Without isolation everyone sees everything.
 */
@Injectable()
export class OwnerScope {
  private readonly isolate: boolean;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig) {
    this.isolate = config.auth.enabled && config.auth.isolateOwners;
  }

  /** The owner a principal is restricted to, or `undefined` when it sees everything. */
  of(principal: Principal | undefined): string | undefined {
    if (!this.isolate || !principal || principal.permissions.includes('*')) return undefined;
    return principal.name;
  }

  /** Whether a principal may see a context or job of `owner`. */
  sees(principal: Principal | undefined, owner: string | null): boolean {
    const scope = this.of(principal);
    return scope === undefined || scope === owner;
  }
}
