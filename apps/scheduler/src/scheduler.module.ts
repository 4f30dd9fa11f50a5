import { Module, type DynamicModule } from '@nestjs/common';
import { logOptions, type ServerConfig } from '@jobserver/config';
import { PersistenceModule } from '@jobserver/persistence/nest';
import { LoggerModule } from 'nestjs-pino';
import { CallbackDeliveryService } from './callbacks/callback-delivery.service';
import { CallbackOutboxService } from './callbacks/callback-outbox.service';
import { CallbackProcessor } from './callbacks/callback.processor';
import { AdHocCleanupService } from './contexts/ad-hoc-cleanup.service';
import { ConfiguredContextsService } from './contexts/configured-contexts.service';
import { ContextCommandProcessor } from './contexts/context-command.processor';
import { ContextLifecycleService } from './contexts/context-lifecycle.service';
import { ContextSupervisorService } from './contexts/context-supervisor.service';
import { InfraModule } from './infra/infra.module';
import { ProcessRegistration } from './infra/process-registration.service';
import { LAUNCHER } from './infra/tokens';
import { JobResubmitter } from './jobs/job-resubmitter';
import { JobRouterService } from './jobs/job-router.service';
import { StrandedJobSweeper } from './jobs/stranded-job.sweeper';
import { SubmitQueue } from './jobs/submit-queue';
import { SubmitProcessor } from './jobs/submit.processor';
import { LocalLauncher } from './launchers/local.launcher';
import { PoolLauncher } from './launchers/pool.launcher';
import { RetentionService } from './retention/retention.service';
import { ScheduleTicker } from './schedules/schedule-ticker.service';
import { OrphanedStatementSweeper } from './statements/orphaned-statement.sweeper';

@Module({})
export class SchedulerModule {
  static forRoot(config: ServerConfig): DynamicModule {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (npm start provides an embedded Postgres)');
    return {
      module: SchedulerModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: logOptions(config, { app: 'scheduler', instance: config.instanceId }) }),
        InfraModule.forRoot(config),
        PersistenceModule.forRoot({
          prepareStatements: config.preparedStatements,
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          applicationName: 'jobserver-scheduler',
          migrate: true,
        }),
      ],
      providers: [
        { provide: LAUNCHER, useClass: config.launcher === 'pool' ? PoolLauncher : LocalLauncher },
        AdHocCleanupService,
        ContextLifecycleService,
        ContextCommandProcessor,
        ContextSupervisorService,
        ConfiguredContextsService,
        JobRouterService,
        JobResubmitter,
        SubmitProcessor,
        StrandedJobSweeper,
        SubmitQueue,
        CallbackDeliveryService,
        CallbackOutboxService,
        CallbackProcessor,
        OrphanedStatementSweeper,
        ProcessRegistration,
        RetentionService,
        ScheduleTicker,
      ],
    };
  }
}
