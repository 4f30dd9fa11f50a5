import type { Provider } from '@nestjs/common';
import { RedisNames } from '@jobserver/protocol';
import { ReplicaAck, StatementClaims } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS } from '../infra/tokens';

/** The statements' Redis claims (StatementClaims), on the worker's Redis connection. */
export const STATEMENT_CLAIMS_PROVIDER: Provider = {
  provide: StatementClaims,
  useFactory: (redis: Redis, names: RedisNames, ack: ReplicaAck) => new StatementClaims(redis, names, ack),
  inject: [REDIS, RedisNames, ReplicaAck],
};
