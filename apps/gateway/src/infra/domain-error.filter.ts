import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ConfigParseError, InvalidContextSetting, redisPorts, type ServerConfig } from '@jobserver/config';
import { DomainError, DomainErrorWithInfo } from '@jobserver/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { outageOf } from './outage.classifier';
import { SERVER_CONFIG } from './tokens';

/** Seconds a client is told to wait (`Retry-After`) while Postgres or Redis is down: about a restart. */
export const OUTAGE_RETRY_AFTER_S = 2;

interface ErrorBody {
  status: string;
  result: unknown;
}

/** Maps every error to API.md's `{"status", "result"}` bodies, in one place. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('DomainErrorFilter');
  private readonly redisPorts: readonly number[];

  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {
    this.redisPorts = redisPorts(config.redis);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const [status, body] = this.toResponse(error, `${request.method} ${request.url}`);
    if (error instanceof DomainError && error.headers) void reply.headers(error.headers);
    if (status === 503) void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_S));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }

  private toResponse(error: unknown, request: string): [number, ErrorBody] {
    const down = outageOf(error, this.redisPorts);
    if (down) {
      // No stack: during an outage every request fails the same way.
      this.logger.warn({ request, reason: (error as Error).message }, `${down} unreachable`);
      return [503, { status: 'ERROR', result: `${down} unreachable, retry later` }];
    }
    if (error instanceof DomainErrorWithInfo) return [error.httpStatus, { status: error.label, result: error.info }];
    if (error instanceof DomainError) return [error.httpStatus, { status: error.label, result: error.message }];
    if (error instanceof ConfigParseError) return [400, { status: 'ERROR', result: `Cannot parse config: ${error.message}` }];
    if (error instanceof InvalidContextSetting) return [400, { status: 'ERROR', result: error.message }];
    // Nest hands Fastify's own errors (a body over bodyLimit: 413) over as HttpExceptions.
    if (error instanceof HttpException && error.getStatus() === 413) {
      return [413, { status: 'ERROR', result: `request body is over the upload limit (${sizeText(this.config.uploadLimit)})` }];
    }
    if (error instanceof HttpException) return [error.getStatus(), { status: 'ERROR', result: httpMessage(error) }];
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return [statusCode, { status: 'ERROR', result: (error as Error).message }];
    }
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId, request }, `unexpected error ${errorId}`);
    // API.md's error shape has only status and result: the id the log line carries goes in the message.
    return [500, { status: 'ERROR', result: `internal error ${errorId} (see the gateway log)` }];
  }
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? error.message);
}

/** `64 MiB`, `512 KiB`, else bytes: the upload limit as the config would write it. */
function sizeText(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
