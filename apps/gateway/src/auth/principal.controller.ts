import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { grants, PERMISSIONS, type Permission, type ServerConfig } from '@jobserver/config';
import { SERVER_CONFIG } from '../infra/tokens';
import { CurrentPrincipal } from './current-principal.decorator';
import { PrincipalResponse } from './dto/principal.response';
import { Authenticated } from './permission.decorator';
import type { Principal } from './principal';

/** `GET /auth/me`: lets a client (the web UI) learn who it signed in as and which actions to offer. */
@ApiTags('auth')
@Controller('auth/me')
export class PrincipalController {
  private readonly authEnabled: boolean;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig) {
    this.authEnabled = config.auth.enabled;
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'The principal of the request, its permissions and every one they grant',
  })
  @ApiOkResponse({ type: PrincipalResponse })
  me(@CurrentPrincipal() principal: Principal | undefined): PrincipalResponse {
    return toPrincipalResponse(this.authEnabled, principal);
  }
}

/** Auth off: no name, and everything is allowed (`*`). */
export function toPrincipalResponse(
  authEnabled: boolean,
  principal: Principal | undefined,
): PrincipalResponse {
  const held: Permission[] = authEnabled ? [...(principal?.permissions ?? [])] : ['*'];
  return {
    auth: authEnabled,
    name: authEnabled ? (principal?.name ?? null) : null,
    permissions: held,
    granted: PERMISSIONS.filter((permission) => grants(held, permission)),
  };
}
