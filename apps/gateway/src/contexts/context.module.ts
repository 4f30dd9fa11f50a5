import { Module } from '@nestjs/common';
import { ContextObjectsController } from './context-objects.controller';
import { ContextObjectsService } from './context-objects.service';
import { ContextSnapshotsController } from './context-snapshots.controller';
import { ContextSnapshotsService } from './context-snapshots.service';
import { ContextController } from './context.controller';
import { ContextService } from './context.service';
import { SnapshotAccess } from './snapshot-access';

@Module({
  controllers: [ContextController, ContextObjectsController, ContextSnapshotsController],
  providers: [ContextService, ContextObjectsService, ContextSnapshotsService, SnapshotAccess],
  exports: [ContextService, SnapshotAccess],
})
export class ContextModule {}
