import { Module } from '@nestjs/common';
import { ContextObjectsController } from './context-objects.controller';
import { ContextObjectsService } from './context-objects.service';
import { ContextController } from './context.controller';
import { ContextService } from './context.service';

@Module({
  controllers: [ContextController, ContextObjectsController],
  providers: [ContextService, ContextObjectsService],
  exports: [ContextService],
})
export class ContextModule {}
