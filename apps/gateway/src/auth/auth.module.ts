import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyController } from './api-key.controller';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';
import { FailureLimiter } from './failure-limiter.service';

/** Authentication: the guard every route passes, principals, API keys and the failure limit. */
@Global()
@Module({
  controllers: [ApiKeyController],
  providers: [
    ApiKeyService,
    Authenticator,
    FailureLimiter,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeyService],
})
export class AuthModule {}
