import { Module } from '@nestjs/common';
import { RedisNames } from '@jobserver/protocol';
import { ReplicaAck, StatementClaims } from '@jobserver/protocol/redis';
import type Redis from 'ioredis';
import { REDIS } from '../infra/tokens';
import { StartedStatements } from './started-statements.service';
import { StatementController } from './statement.controller';
import { StatementService } from './statement.service';

@Module({
  controllers: [StatementController],
  providers: [
    StatementService,
    StartedStatements,
    {
      provide: StatementClaims,
      useFactory: (redis: Redis, names: RedisNames, ack: ReplicaAck) => new StatementClaims(redis, names, ack),
      inject: [REDIS, RedisNames, ReplicaAck],
    },
  ],
})
export class StatementModule {}
