import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { ContextObjectsService } from './context-objects.service';
import { SuccessResponse } from '../infra/success.response';
import { NamedObjectResponse } from './dto/named-object.response';

/** The named objects a live context holds in memory (its executor's store). */
@ApiTags('contexts')
@Controller('contexts/:name/objects')
export class ContextObjectsController {
  constructor(private readonly objects: ContextObjectsService) {}

  @Get()
  @RequiresPermission('contexts:read')
  @ApiOperation({ summary: 'Named objects of a live context, by name: type, estimated bytes, times' })
  @ApiOkResponse({ type: [NamedObjectResponse] })
  list(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<NamedObjectResponse[]> {
    return this.objects.list(name, principal);
  }

  @Delete(':object')
  @RequiresPermission('contexts:exec')
  @ApiOperation({ summary: 'Drop one named object of a live context' })
  @ApiOkResponse({ type: SuccessResponse })
  async remove(
    @Param('name') name: string,
    @Param('object') object: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<SuccessResponse> {
    await this.objects.remove(name, object, principal);
    return { status: 'SUCCESS' };
  }
}
