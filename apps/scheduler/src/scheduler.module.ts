import { Module, type DynamicModule } from '@nestjs/common';
import type { ServerConfig } from '@jobserver/config';
import { PersistenceModule } from '@jobserver/persistence';
import { LoggerModule } from 'nestjs-pino';
import { ContextCommandProcessor } from './contexts/context-command.processor';
import { ContextLifecycleService } from './contexts/context-lifecycle.service';
import { ContextSupervisorService } from './contexts/context-supervisor.service';
import { InfraModule } from './infra/infra.module';
import { LAUNCHER } from './infra/tokens';
import { JobRouterService } from './jobs/job-router.service';
import { SubmitProcessor } from './jobs/submit.processor';
import { LocalLauncher } from './launchers/local.launcher';

@Module({})
export class SchedulerModule {
  static forRoot(config: ServerConfig): DynamicModule {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (npm start provides an embedded Postgres)');
    if (config.launcher !== 'local') throw new Error(`launcher ${config.launcher} is not available yet; use local`);
    return {
      module: SchedulerModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: config.logLevel, base: { app: 'scheduler', instance: config.instanceId } } }),
        InfraModule.forRoot(config),
        PersistenceModule.forRoot({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          applicationName: 'jobserver-scheduler',
          migrate: true,
        }),
      ],
      providers: [
        { provide: LAUNCHER, useClass: LocalLauncher },
        ContextLifecycleService,
        ContextCommandProcessor,
        ContextSupervisorService,
        JobRouterService,
        SubmitProcessor,
      ],
    };
  }
}
