import { BadRequestException } from '@nestjs/common';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { describe, expect, it, vi } from 'vitest';
import { QueryValidationPipe } from './query-validation.pipe';

class Query {
  @IsString({ message: 'appName is required' })
  appName!: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'sync must be true or false' })
  sync?: string;
}

/** A DTO as the gateway's are compiled: its declared fields exist on each instance, undefined. */
class QueryWithFields {
  @IsString({ message: 'appName is required' })
  appName: string | undefined = undefined;

  @IsOptional()
  @IsString()
  context: string | undefined = undefined;
}

const asQuery = { type: 'query' as const, metatype: Query };
const newPipe = () => new QueryValidationPipe({ whitelist: false, stopAtFirstError: true });

describe('QueryValidationPipe', () => {
  it('validates a query once, then answers a repeat from memory with a copy of its own', async () => {
    const pipe = newPipe();
    const validate = vi.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
    const first = (await pipe.transform({ appName: 'a', sync: 'true' }, asQuery)) as Record<string, unknown>;
    const again = (await pipe.transform({ appName: 'a', sync: 'true' }, asQuery)) as Record<string, unknown>;
    expect(first).toEqual({ appName: 'a', sync: 'true' });
    expect(again).toEqual(first);
    expect(validate).toHaveBeenCalledTimes(1);
    again.appName = 'changed';
    expect(await pipe.transform({ appName: 'a', sync: 'true' }, asQuery)).toEqual({ appName: 'a', sync: 'true' });
  });

  it('remembers a query whose DTO declares fields the query lacks (they come back undefined)', async () => {
    const pipe = newPipe();
    const validate = vi.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
    const metadata = { type: 'query' as const, metatype: QueryWithFields };
    const first = await pipe.transform({ appName: 'a' }, metadata);
    expect(first).toEqual({ appName: 'a', context: undefined });
    expect(await pipe.transform({ appName: 'a' }, metadata)).toEqual(first);
    expect(validate).toHaveBeenCalledTimes(1);
  });

  it('refuses a bad query every time, with its message, and never remembers it', async () => {
    const pipe = newPipe();
    for (let i = 0; i < 2; i++) {
      const error = await pipe.transform({ appName: 'a', sync: 'maybe' }, asQuery).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestException);
      expect(JSON.stringify((error as BadRequestException).getResponse())).toContain('sync must be true or false');
    }
  });

  it('tells queries apart by every field, and arrays of repeated keys are copied', async () => {
    const pipe = newPipe();
    await pipe.transform({ appName: 'a' }, asQuery);
    await expect(pipe.transform({ appName: 'a', sync: 'nope' }, asQuery)).rejects.toBeInstanceOf(BadRequestException);
    const withArray = (await pipe.transform({ appName: 'a', tag: ['x', 'y'] }, asQuery)) as { tag: string[] };
    withArray.tag.push('z');
    expect(await pipe.transform({ appName: 'a', tag: ['x', 'y'] }, asQuery)).toEqual({ appName: 'a', tag: ['x', 'y'] });
  });

  it('validates bodies and path parameters afresh each time', async () => {
    const pipe = newPipe();
    const validate = vi.spyOn(pipe as unknown as { validate: () => unknown }, 'validate');
    await pipe.transform({ appName: 'a' }, { type: 'body', metatype: Query });
    await pipe.transform({ appName: 'a' }, { type: 'body', metatype: Query });
    expect(validate).toHaveBeenCalledTimes(2);
  });
});
