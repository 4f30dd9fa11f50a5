import { applyDecorators } from '@nestjs/common';
import { ApiDefaultResponse, ApiExtraModels, ApiProperty, getSchemaPath, type SchemaObject } from '@nestjs/swagger';

/** API.md's error object: what a job (or a statement, a failed context start) threw. */
export class ErrorObjectResponse {
  @ApiProperty({ example: 'No input.string config param' }) message!: string;
  @ApiProperty({ description: "the JS error's name", example: 'ValidationFailed' }) errorClass!: string;
  @ApiProperty({ type: [String], description: 'the frames, one string each' }) stack!: string[];
}

/** Every error answer: `{"status": <label>, "result": <message or error object>}`. */
@ApiExtraModels(ErrorObjectResponse)
export class ErrorResponse {
  @ApiProperty({ description: 'a label: ERROR, VALIDATION FAILED, CONTEXT INIT ERROR, …', example: 'ERROR' })
  status!: string;

  @ApiProperty({
    description: 'what is wrong: a message, or an error object',
    oneOf: [{ type: 'string' }, { $ref: getSchemaPath(ErrorObjectResponse) }],
  })
  result!: string | ErrorObjectResponse;
}

/** Documents the error shape as the answer of any status a route does not list (4xx, 503, …). */
export const ApiErrorShape = () =>
  applyDecorators(
    ApiExtraModels(ErrorResponse),
    ApiDefaultResponse({ type: ErrorResponse, description: 'an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down' }),
  );

/**
 * Any JSON value (a job result, a posted config's values): no type, so that a generated client
 * sees `unknown`, as it must narrow a job's result itself.
 */
export const ANY_JSON: { oneOf: SchemaObject[] } = { oneOf: [{}] };
