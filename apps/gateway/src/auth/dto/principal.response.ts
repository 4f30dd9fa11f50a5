import { ApiProperty } from '@nestjs/swagger';
import { PERMISSIONS, type Permission } from '@jobserver/config';

/** Answer of `GET /auth/me`: who the request acts for, and what it may do. */
export class PrincipalResponse {
  @ApiProperty({ description: 'whether the server has auth on (auth.enabled)', example: true })
  auth!: boolean;

  @ApiProperty({
    description: 'the user name or the API key owner; null while auth is off',
    type: String,
    nullable: true,
    example: 'alice',
  })
  name!: string | null;

  @ApiProperty({
    description: 'the permissions the principal holds, as configured (`*` while auth is off)',
    enum: PERMISSIONS,
    isArray: true,
    example: ['jobs', 'contexts:read'],
  })
  permissions!: Permission[];

  @ApiProperty({
    description:
      'every permission name those grant (a parent grants its children, `*` grants all): a client checks a route’s permission against this list',
    enum: PERMISSIONS,
    isArray: true,
    example: ['jobs', 'jobs:read', 'jobs:start', 'jobs:delete', 'contexts:read'],
  })
  granted!: Permission[];
}
