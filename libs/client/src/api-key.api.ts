import { unwrap, type Api } from './api.call';
import type { ApiKey, CallOptions, NewApiKey, SuccessAnswer } from './api.types';

/** What a new API key may do. */
export interface NewApiKeyRequest {
  name: string;
  /** Permission names (`jobs`, `binaries:read`, …); none beyond the creator's. */
  permissions: string[];
  /** An ISO-8601 time or a duration from now (`30d`, `12h`). @defaultValue never */
  expires?: string;
}

/** `/auth/keys` (permission `auth:admin`; the server must have auth on). */
export class ApiKeyApi {
  constructor(private readonly api: Api) {}

  /** Creates a key; its secret (`key`) is in this answer only. @throws JobserverError 400, 403 */
  async create(request: NewApiKeyRequest, options: CallOptions = {}): Promise<NewApiKey> {
    return (await unwrap('POST', this.api.POST('/auth/keys', { body: request, signal: options.signal }))).result;
  }

  /** Every key, without secrets. */
  list(options: CallOptions = {}): Promise<ApiKey[]> {
    return unwrap('GET', this.api.GET('/auth/keys', { signal: options.signal }));
  }

  /** Revokes a key on every gateway. @throws JobserverError 404 */
  revoke(id: string, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap('DELETE', this.api.DELETE('/auth/keys/{id}', { params: { path: { id } }, signal: options.signal }));
  }
}
