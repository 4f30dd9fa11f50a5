import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { logOptions, type ServerConfig } from '@jobserver/config';
import { PersistenceModule } from '@jobserver/persistence/nest';
import { LoggerModule } from 'nestjs-pino';
import { BundleModule } from './bundles/bundle.module';
import { ContextModule } from './contexts/context.module';
import { DataModule } from './data/data.module';
import { HealthModule } from './health/health.module';
import { DomainErrorFilter } from './infra/domain-error.filter';
import { InfraModule } from './infra/infra.module';
import { JobModule } from './jobs/job.module';
import { MetricsModule } from './metrics/metrics.module';
import { ScheduleModule } from './schedules/schedule.module';
import { StatementModule } from './statements/statement.module';
import { AuthModule } from './auth/auth.module';
import { QueryValidationPipe } from './infra/query-validation.pipe';

@Module({})
export class AppModule {
  static forRoot(config: ServerConfig): DynamicModule {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set (npm start provides an embedded Postgres)');
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { ...logOptions(config, { app: 'gateway', instance: config.instanceId }), autoLogging: false },
          // No per-request logger middleware: its AsyncLocalStorage turns on promise hooks, a
          // cost on every await of every request. Error lines name the request themselves.
          forRoutes: [],
        }),
        InfraModule.forRoot(config),
        AuthModule.forRoot(config.auth.enabled),
        PersistenceModule.forRoot({
          prepareStatements: config.preparedStatements,
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          applicationName: 'jobserver-gateway',
          migrate: true,
        }),
        BundleModule,
        ContextModule,
        DataModule,
        JobModule,
        StatementModule,
        ScheduleModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_PIPE, useValue: new QueryValidationPipe({ whitelist: false, stopAtFirstError: true }) },
      ],
    };
  }
}
