import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { SuccessResponse } from '../infra/success.response';
import { BinaryInfoResponse, BinarySummaryResponse } from './dto/bundle.response';
import { BundleService } from './bundle.service';
import { toBinariesResponse, toBinaryResponse, toJarsResponse } from './bundle.responses';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';

const SUCCESS = { status: 'SUCCESS' };
const bundleBody = applyDecorators(
  ApiConsumes('application/octet-stream'),
  ApiBody({
    description: 'the bundle bytes: a JavaScript module, or a zip / tgz package (any Content-Type)',
    schema: { type: 'string', format: 'binary' },
  }),
);

/** Bundles: spark-jobserver's `/binaries` and `/jars`. */
@ApiTags('bundles')
@ApiExtraModels(BinarySummaryResponse)
@Controller()
export class BundleController {
  constructor(private readonly bundles: BundleService) {}

  @Post(['binaries/:appName', 'jars/:appName'])
  @RequiresPermission('binaries:upload')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a new version of an app bundle' })
  @ApiCreatedResponse({ type: SuccessResponse })
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
  @ApiOkResponse({
    description: 'keyed by app name',
    schema: { type: 'object', additionalProperties: { $ref: getSchemaPath(BinarySummaryResponse) } },
  })
  async listBinaries(): Promise<Record<string, BinarySummaryResponse>> {
    return toBinariesResponse(await this.bundles.list());
  }

  @Get('jars')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Upload time of every app (seed shape)' })
  @ApiOkResponse({
    description: 'app name → ISO-8601 upload time of its latest version',
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  })
  async listJars(): Promise<Record<string, string>> {
    return toJarsResponse(await this.bundles.list());
  }

  @Get('binaries/:appName')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Latest version of one app' })
  @ApiOkResponse({ type: BinaryInfoResponse })
  async get(@Param('appName') appName: string): Promise<BinaryInfoResponse> {
    return toBinaryResponse(await this.bundles.get(appName));
  }

  @Get('binaries/:appName/versions')
  @RequiresPermission('binaries:read')
  @ApiOperation({ summary: 'Every stored version of one app, newest first' })
  @ApiOkResponse({ type: BinaryInfoResponse, isArray: true })
  async versions(@Param('appName') appName: string): Promise<BinaryInfoResponse[]> {
    return (await this.bundles.versions(appName)).map(toBinaryResponse);
  }

  @Delete(['binaries/:appName', 'jars/:appName'])
  @RequiresPermission('binaries:delete')
  @ApiOperation({ summary: 'Delete every version of an app' })
  @ApiOkResponse({ type: SuccessResponse })
  async delete(@Param('appName') appName: string, @CurrentPrincipal() principal?: Principal): Promise<object> {
    await this.bundles.delete(appName, principal);
    return SUCCESS;
  }
}
