import { Module } from '@nestjs/common';
import { StatementController } from './statement.controller';
import { StatementQueues } from './statement-queues';
import { StatementService } from './statement.service';

@Module({ controllers: [StatementController], providers: [StatementService, StatementQueues] })
export class StatementModule {}
