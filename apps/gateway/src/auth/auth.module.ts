import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyController } from './api-key.controller';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';
import { FailureLimiter } from './failure-limiter.service';
import { OwnerScope } from './owner-scope';

/** Authentication: the guard every route passes, principals, API keys, the failure limit and owner isolation. */
@Global()
@Module({
  controllers: [ApiKeyController],
  providers: [
    ApiKeyService,
    Authenticator,
    FailureLimiter,
    OwnerScope,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyService, OwnerScope],
})
export class AuthModule {}
