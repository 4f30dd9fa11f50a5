import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SuccessMessageResponse, SuccessResponse } from '../infra/success.response';
import { DataUploadResponse } from './dto/data.response';
import { BadRequest } from '@jobserver/protocol';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { DataService } from './data.service';

/** Data files: mainline spark-jobserver's `/data`. */
@ApiTags('data')
@Controller('data')
export class DataController {
  constructor(private readonly data: DataService) {}

  @Post(':prefix')
  @RequiresPermission('data:upload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upload a data file; answers its stored filename' })
  @ApiOkResponse({ type: DataUploadResponse })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ description: 'the file bytes (any Content-Type)', schema: { type: 'string', format: 'binary' } })
  async upload(@Param('prefix') prefix: string, @Body() body: unknown, @CurrentPrincipal() principal?: Principal): Promise<object> {
    const filename = await this.data.upload(prefix, body, principal?.name ?? null);
    return { status: 'SUCCESS', result: { filename } };
  }

  /** `POST /data/a/b`: a prefix with a `/` is refused as such (400), not as an unknown route. */
  @Post(':prefix/*')
  @RequiresPermission('data:upload')
  @ApiExcludeEndpoint()
  uploadSlashedName(): never {
    throw new BadRequest('data file prefix may only contain letters, digits and ._- (no /)');
  }

  @Get()
  @RequiresPermission('data:read')
  @ApiOperation({ summary: 'Filenames of the stored data files' })
  @ApiOkResponse({ type: [String] })
  list(): Promise<string[]> {
    return this.data.list();
  }

  @Delete(':filename')
  @RequiresPermission('data:delete')
  @ApiOperation({ summary: 'Delete a data file' })
  @ApiOkResponse({ type: SuccessResponse })
  async delete(@Param('filename') filename: string): Promise<object> {
    await this.data.delete(filename);
    return { status: 'SUCCESS' };
  }

  @Put()
  @RequiresPermission('data:reset')
  @ApiOperation({ summary: 'reset=reboot: delete every data file' })
  @ApiQuery({ name: 'reset', required: true, description: 'reboot' })
  @ApiOkResponse({ type: SuccessMessageResponse, description: '"Data reset"' })
  async reset(@Query('reset') reset?: string): Promise<object> {
    if (reset !== 'reboot') throw new BadRequest('reset must be reboot');
    await this.data.reset();
    return { status: 'SUCCESS', result: 'Data reset' };
  }
}
