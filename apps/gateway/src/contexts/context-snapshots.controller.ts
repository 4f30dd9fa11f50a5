import { Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { SuccessResponse } from '../infra/success.response';
import { ContextSnapshotsService } from './context-snapshots.service';
import { SnapshotResponse } from './dto/snapshot.response';

/** Snapshots of a context's named objects, stored in Postgres; `POST /contexts/<new>?snapshot=<id>` restores one. */
@ApiTags('contexts')
@Controller('contexts/:name/snapshots')
export class ContextSnapshotsController {
  constructor(private readonly snapshots: ContextSnapshotsService) {}

  @Post()
  @RequiresPermission('contexts:exec')
  @ApiOperation({ summary: "Store the live context's structured-cloneable named objects (the others are listed as skipped, with why)" })
  @ApiCreatedResponse({ type: SnapshotResponse })
  take(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<SnapshotResponse> {
    return this.snapshots.take(name, principal);
  }

  @Get()
  @RequiresPermission('contexts:read')
  @ApiOperation({ summary: 'Snapshots of a context name, newest first' })
  @ApiOkResponse({ type: [SnapshotResponse] })
  list(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<SnapshotResponse[]> {
    return this.snapshots.list(name, principal);
  }

  @Delete(':id')
  @RequiresPermission('contexts:delete')
  @ApiOperation({ summary: 'Delete one snapshot of a context name' })
  @ApiOkResponse({ type: SuccessResponse })
  async remove(@Param('name') name: string, @Param('id') id: string, @CurrentPrincipal() principal?: Principal): Promise<SuccessResponse> {
    await this.snapshots.remove(name, id, principal);
    return { status: 'SUCCESS' };
  }
}
