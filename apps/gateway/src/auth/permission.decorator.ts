import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { Permission } from '@jobserver/config';
import { ApiErrorShape } from '../infra/error.response';

/** Metadata key of a route's declaration: a permission name, or PUBLIC. */
export const PERMISSION_KEY = 'jobserver:permission';
export const PUBLIC = 'public';
/** The declaration of a route open to every authenticated principal, whatever it holds. */
export const AUTHENTICATED = 'authenticated';

/**
 * The permission a route needs when auth is on (API.md "Authentication and permissions"). The
 * one AuthGuard reads it; the OpenAPI document carries it as `x-permission`, and the error shape
 * as the route's default answer.
 */
export const RequiresPermission = (permission: Permission) =>
  applyDecorators(
    SetMetadata(PERMISSION_KEY, permission),
    ApiExtension('x-permission', permission),
    ApiSecurity('basic'),
    ApiSecurity('bearer'),
    ApiErrorShape(),
  );

/** A route that never needs credentials (`GET /healthz`); `x-public: true` in the OpenAPI document. */
export const Public = () =>
  applyDecorators(SetMetadata(PERMISSION_KEY, PUBLIC), ApiExtension('x-public', true), ApiErrorShape());

/**
 * A route that needs credentials but no particular permission (`GET /auth/me`: every principal
 * may learn who it is); `x-authenticated: true` in the OpenAPI document.
 */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(PERMISSION_KEY, AUTHENTICATED),
    ApiExtension('x-authenticated', true),
    ApiSecurity('basic'),
    ApiSecurity('bearer'),
    ApiErrorShape(),
  );
