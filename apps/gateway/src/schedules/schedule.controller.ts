import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { bodyText } from '../infra/body-text';
import { SuccessResponse } from '../infra/success.response';
import { ScheduleRequestBody } from './dto/schedule-request';
import { ScheduleResponse } from './dto/schedule.response';
import { ScheduleService } from './schedule.service';

/** Jobs submitted on a cron or every period (README "Schedules"). Managing them is starting jobs: `jobs:start`. */
@ApiTags('schedules')
@Controller('schedules')
export class ScheduleController {
  constructor(private readonly schedules: ScheduleService) {}

  @Post(':name')
  @RequiresPermission('jobs:start')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a schedule: {appName, classPath, context?, cron | every, timezone?, config?, priority?, retries?, missed?}' })
  @ApiConsumes('application/json')
  @ApiBody({ type: ScheduleRequestBody, description: 'JSON (any Content-Type)' })
  @ApiCreatedResponse({ type: ScheduleResponse })
  create(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal?: Principal): Promise<ScheduleResponse> {
    return this.schedules.create(name, bodyText(body), principal);
  }

  @Get()
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: 'Every schedule, by name, with its next and last tick' })
  @ApiOkResponse({ type: [ScheduleResponse] })
  list(@CurrentPrincipal() principal?: Principal): Promise<ScheduleResponse[]> {
    return this.schedules.list(principal);
  }

  @Get(':name')
  @RequiresPermission('jobs:read')
  @ApiOperation({ summary: 'A schedule with its next tick and its last jobs' })
  @ApiOkResponse({ type: ScheduleResponse })
  get(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<ScheduleResponse> {
    return this.schedules.get(name, principal);
  }

  @Delete(':name')
  @RequiresPermission('jobs:start')
  @ApiOperation({ summary: 'Delete a schedule (its jobs stay)' })
  @ApiOkResponse({ type: SuccessResponse })
  async remove(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<SuccessResponse> {
    await this.schedules.remove(name, principal);
    return { status: 'SUCCESS' };
  }

  @Post(':name/pause')
  @RequiresPermission('jobs:start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop ticking until resumed' })
  @ApiOkResponse({ type: ScheduleResponse })
  pause(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<ScheduleResponse> {
    return this.schedules.pause(name, principal);
  }

  @Post(':name/resume')
  @RequiresPermission('jobs:start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Tick again from now on (ticks missed while paused do not run)' })
  @ApiOkResponse({ type: ScheduleResponse })
  resume(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<ScheduleResponse> {
    return this.schedules.resume(name, principal);
  }
}
