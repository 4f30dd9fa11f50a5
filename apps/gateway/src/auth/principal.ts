import type { Permission } from '@jobserver/config';

/** Who a request acts for once authenticated: a configured user or an API key. */
export interface Principal {
  /** The user name, or the owner of the API key. */
  readonly name: string;
  readonly permissions: readonly Permission[];
  /** The API key's id when the request carried one. */
  readonly keyId?: string;
}

/** Where the AuthGuard leaves the principal on the request. */
export const PRINCIPAL = Symbol('principal');

/** The principal of a request; `undefined` while auth is off. */
export const principalOf = (request: object): Principal | undefined =>
  (request as { [PRINCIPAL]?: Principal })[PRINCIPAL];
