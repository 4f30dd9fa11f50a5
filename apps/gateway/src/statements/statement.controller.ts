import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  CompletionResponse,
  StatementCancelResponse,
  StatementListResponse,
  StatementResponse,
} from './dto/statement.response';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequiresPermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { bodyText } from '../infra/body-text';
import { toStatementResponse } from './statement.responses';
import { StatementService } from './statement.service';

/** Livy's statements API on a live context (API.md "Console"). */
@ApiTags('console')
@Controller('contexts/:name')
export class StatementController {
  constructor(private readonly statements: StatementService) {}

  @Post('statements')
  @RequiresPermission('contexts:exec')
  @ApiOperation({ summary: 'Run JavaScript in the context, beside its jobs (201 with the statement)' })
  @ApiConsumes('application/json')
  @ApiBody({
    description: '{"code": "<JavaScript>"}, or the code itself as a body that is not a JSON object',
    schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
  })
  @ApiQuery({ name: 'wait', required: false, description: 'seconds to wait for the statement to be available' })
  @ApiCreatedResponse({ type: StatementResponse, description: 'with Location: /contexts/<name>/statements/<id>' })
  async submit(
    @Param('name') name: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
    @Query('wait') wait?: string,
    @CurrentPrincipal() principal?: Principal,
  ): Promise<void> {
    const statement = await this.statements.submit(name, bodyText(body), wait, principal);
    void reply
      .status(201)
      .header('location', `/contexts/${encodeURIComponent(name)}/statements/${statement.id}`)
      .send(toStatementResponse(statement));
  }

  @Get('statements')
  @RequiresPermission('contexts:exec')
  @ApiOperation({ summary: 'The statements of the context, newest last' })
  @ApiOkResponse({ type: StatementListResponse })
  async list(@Param('name') name: string, @CurrentPrincipal() principal?: Principal): Promise<object> {
    const statements = await this.statements.list(name, principal);
    return { total_statements: statements.length, statements: statements.map(toStatementResponse) };
  }

  @Get('statements/:id')
  @RequiresPermission('contexts:exec')
  @ApiOperation({ summary: 'One statement' })
  @ApiOkResponse({ type: StatementResponse })
  async get(@Param('name') name: string, @Param('id') id: string, @CurrentPrincipal() principal?: Principal): Promise<object> {
    return toStatementResponse(await this.statements.get(name, id, principal));
  }

  @Post('statements/:id/cancel')
  @RequiresPermission('contexts:exec')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a statement (its signal, then kill-grace)' })
  @ApiOkResponse({ type: StatementCancelResponse })
  async cancel(@Param('name') name: string, @Param('id') id: string, @CurrentPrincipal() principal?: Principal): Promise<object> {
    await this.statements.cancel(name, id, principal);
    return { msg: 'canceled' };
  }

  @Post('completion')
  @RequiresPermission('contexts:exec')
  @HttpCode(200)
  @ApiOperation({ summary: 'Completion candidates at a cursor, from the REPL scope and the named objects' })
  @ApiConsumes('application/json')
  @ApiBody({
    description: 'cursor: a position in code (default: its end)',
    schema: {
      type: 'object',
      required: ['code'],
      properties: { code: { type: 'string' }, cursor: { type: 'integer', minimum: 0 } },
    },
  })
  @ApiOkResponse({ type: CompletionResponse })
  async complete(@Param('name') name: string, @Body() body: unknown, @CurrentPrincipal() principal?: Principal): Promise<object> {
    return { candidates: await this.statements.complete(name, bodyText(body), principal) };
  }
}
