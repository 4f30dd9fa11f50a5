import { ValidationPipe, type ArgumentMetadata, type ValidationPipeOptions } from '@nestjs/common';

/** Accepted query strings kept per DTO class, the oldest forgotten first. */
const REMEMBERED_PER_CLASS = 256;

/**
 * Nest's ValidationPipe that remembers the query strings it accepted: a client that repeats a
 * request (the same job, again and again, as a warm context's callers do) pays class-transformer
 * and class-validator once per distinct query instead of on every request (~9 % of the gateway's
 * CPU per warm sync job). Validation of a query is a function of its text alone: the DTOs'
 * decorators are pure, and a refusal is never remembered (it is built afresh, with its message).
 * Bodies and path parameters go through the plain pipe.
 */
export class QueryValidationPipe extends ValidationPipe {
  private readonly accepted = new WeakMap<object, Map<string, Record<string, unknown>>>();

  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    if (metadata.type !== 'query' || !metatype || !isQueryObject(value)) return super.transform(value, metadata);
    let remembered = this.accepted.get(metatype);
    if (!remembered) this.accepted.set(metatype, (remembered = new Map()));
    const key = JSON.stringify(value);
    const known = remembered.get(key);
    if (known) return copyOf(known);
    const result = (await super.transform(value, metadata)) as unknown;
    // The DTO's instance turned plain again: its declared fields that the query lacks are there, undefined.
    if (!isQueryObject(result, { undefinedFields: true })) return result;
    if (remembered.size >= REMEMBERED_PER_CLASS) remembered.delete(remembered.keys().next().value!);
    remembered.set(key, Object.freeze(copyOf(result)));
    return result;
  }
}

/** A query object of its own, so that a handler that changes it changes nothing remembered. */
function copyOf(query: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(query)) copy[name] = Array.isArray(field) ? [...(field as string[])] : field;
  return copy;
}

/**
 * A parsed query string: a plain object of strings (or arrays of strings, for repeated keys);
 * with `undefinedFields`, fields may be undefined too.
 */
function isQueryObject(value: unknown, options: { undefinedFields?: boolean } = {}): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const field of Object.values(value)) {
    if (typeof field === 'string' || (field === undefined && options.undefinedFields)) continue;
    if (!Array.isArray(field) || !field.every((item) => typeof item === 'string')) return false;
  }
  return true;
}
