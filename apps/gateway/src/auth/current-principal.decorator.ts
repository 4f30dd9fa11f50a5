import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalOf } from './principal';

/** The request's principal (`undefined` while auth is off). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  principalOf(context.switchToHttp().getRequest<object>()),
);
