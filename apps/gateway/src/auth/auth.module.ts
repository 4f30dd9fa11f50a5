import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyController } from './api-key.controller';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';
import { FailureLimiter } from './failure-limiter.service';
import { OwnerScope } from './owner-scope';
import { PrincipalController } from './principal.controller';

/** Authentication: the guard every route passes, principals (`GET /auth/me`), API keys, the failure limit and owner isolation. */
@Global()
@Module({})
export class AuthModule {
  /**
   * With auth off the guard would admit every request without a look (AuthGuard.canActivate), so
   * it is not registered at all: Nest then runs no guard chain (an ExecutionContext and three
   * awaits per request) on the job path.
   */
  static forRoot(authEnabled: boolean): DynamicModule {
    const guard: Provider[] = authEnabled ? [{ provide: APP_GUARD, useClass: AuthGuard }] : [];
    return {
      module: AuthModule,
      controllers: [ApiKeyController, PrincipalController],
      providers: [ApiKeyService, Authenticator, FailureLimiter, OwnerScope, ...guard],
      exports: [ApiKeyService, OwnerScope],
    };
  }
}
