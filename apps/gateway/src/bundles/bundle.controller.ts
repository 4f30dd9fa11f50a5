import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BundleService } from './bundle.service';
import { BundleVersionResponse } from './dto/bundle-version.response';
import { toBinariesResponse, toBinaryResponse, toJarsResponse } from './bundle.responses';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';

const SUCCESS = { status: 'SUCCESS' };
const bundleBody = ApiBody({
  description: 'the bundle bytes: a JavaScript module, or a zip / tgz package',
  schema: { type: 'string', format: 'binary' },
});

/** Bundles: spark-jobserver's `/binaries` and `/jars`. */
@ApiTags('bundles')
@Controller()
export class BundleController {
  constructor(private readonly bundles: BundleService) {}

  @Post(['binaries/:appName', 'jars/:appName'])
  @RequiresPermission('binaries:upload')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a new version of an app bundle' })
  @bundleBody
  async upload(
    @Param('appName') appName: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<object> {
    await this.bundles.upload(appName, body, principal?.name ?? null);
    return SUCCESS;
  }

  /** `POST /binaries/a/b`: an app name with a `/` is refused as such (400), not as an unknown route. */
  @Post(['binaries/:appName/*', 'jars/:appName/*'])
  @RequiresPermission('binaries:upload')
  @ApiExcludeEndpoint()
  async uploadSlashedName(@Param('appName') appName: string, @Param('*') rest: string): Promise<never> {
    await this.bundles.upload(`${appName}/${rest}`, undefined);
    throw new Error('unreachable: a name with a slash is never valid');
  }

  @Get('binaries')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Latest version of every app' })
  async listBinaries(): Promise<object> {
    return toBinariesResponse(await this.bundles.list());
  }

  @Get('jars')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Upload time of every app (seed shape)' })
  async listJars(): Promise<object> {
    return toJarsResponse(await this.bundles.list());
  }

  @Get('binaries/:appName')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Latest version of one app' })
  @ApiOkResponse({ type: BundleVersionResponse })
  async get(@Param('appName') appName: string): Promise<BundleVersionResponse> {
    return toBinaryResponse(await this.bundles.get(appName));
  }

  @Get('binaries/:appName/versions')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Every stored version of one app, newest first' })
  @ApiOkResponse({ type: BundleVersionResponse, isArray: true })
  async versions(@Param('appName') appName: string): Promise<BundleVersionResponse[]> {
    return (await this.bundles.versions(appName)).map(toBinaryResponse);
  }

  @Delete(['binaries/:appName', 'jars/:appName'])
  @RequiresPermission('binaries:delete')
  @ApiOperation({ summary: 'Delete every version of an app' })
  async delete(@Param('appName') appName: string): Promise<object> {
    await this.bundles.delete(appName);
    return SUCCESS;
  }
}
