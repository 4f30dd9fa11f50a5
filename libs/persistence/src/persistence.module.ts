import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { EventBus } from '@jobserver/protocol/redis';
import { DataSource } from 'typeorm';
import { openDataSource, runMigrations } from './data-source';
import type { DataSourceOptions } from './pg-source';
import { JobLifecycle } from './lifecycle/job.lifecycle';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { IdempotencyRepository } from './repositories/idempotency.repository';
import { BundleRepository } from './repositories/bundle.repository';
import { CallbackRepository } from './repositories/callback.repository';
import { ContextRepository } from './repositories/context.repository';
import { DataFileRepository } from './repositories/data-file.repository';
import { SnapshotRepository } from './repositories/snapshot.repository';
import { JobEventRepository } from './repositories/job-event.repository';
import { JobRepository } from './repositories/job.repository';
import { JobSearchRepository } from './repositories/job-search.repository';
import { StatementRepository } from './repositories/statement.repository';
import { RetentionRepository } from './repositories/retention.repository';
import { ScheduleRepository } from './repositories/schedule.repository';

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Provides the data source and the repositories to a Nest app. With `migrate`, pending
 * migrations run before the app starts.
 */
@Global()
@Module({})
export class PersistenceModule {
  /**
   * @param options.prepareStatements name the statements on every job's path, so that Postgres
   *   parses and plans them once per connection (not through pglite-socket, whose connections
   *   share one session). @defaultValue true
   */
  static forRoot(options: DataSourceOptions & { migrate: boolean; prepareStatements?: boolean }): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const dataSource = await openDataSource(options);
            if (options.migrate) await runMigrations(dataSource);
            return dataSource;
          },
        },
        { provide: BundleRepository, useFactory: (ds: DataSource) => new BundleRepository(ds), inject: [DataSource] },
        { provide: ContextRepository, useFactory: (ds: DataSource) => new ContextRepository(ds), inject: [DataSource] },
        { provide: RetentionRepository, useFactory: (ds: DataSource) => new RetentionRepository(ds), inject: [DataSource] },
        { provide: JobRepository, useFactory: (ds: DataSource) => new JobRepository(ds, { prepare: options.prepareStatements ?? true }), inject: [DataSource] },
        { provide: JobSearchRepository, useFactory: (ds: DataSource) => new JobSearchRepository(ds), inject: [DataSource] },
        { provide: JobEventRepository, useFactory: (ds: DataSource) => new JobEventRepository(ds), inject: [DataSource] },
        { provide: ApiKeyRepository, useFactory: (ds: DataSource) => new ApiKeyRepository(ds), inject: [DataSource] },
        { provide: CallbackRepository, useFactory: (ds: DataSource) => new CallbackRepository(ds), inject: [DataSource] },
        { provide: StatementRepository, useFactory: (ds: DataSource) => new StatementRepository(ds, { prepare: options.prepareStatements ?? true }), inject: [DataSource] },
        { provide: DataFileRepository, useFactory: (ds: DataSource) => new DataFileRepository(ds), inject: [DataSource] },
        { provide: IdempotencyRepository, useFactory: (ds: DataSource) => new IdempotencyRepository(ds), inject: [DataSource] },
        { provide: ScheduleRepository, useFactory: (ds: DataSource) => new ScheduleRepository(ds), inject: [DataSource] },
        { provide: SnapshotRepository, useFactory: (ds: DataSource) => new SnapshotRepository(ds), inject: [DataSource] },
        DataSourceCloser,
      ],
      exports: [
        DataSource,
        ApiKeyRepository,
        BundleRepository,
        CallbackRepository,
        ContextRepository,
        DataFileRepository,
        IdempotencyRepository,
        JobEventRepository,
        JobRepository,
        JobSearchRepository,
        RetentionRepository,
        ScheduleRepository,
        SnapshotRepository,
        StatementRepository,
      ],
    };
  }
}

/** The Nest provider of {@link JobLifecycle}, for the infra module of each app (which provides the EventBus). */
export const JOB_LIFECYCLE_PROVIDER: Provider = {
  provide: JobLifecycle,
  useFactory: (jobs: JobRepository, bus: EventBus) => new JobLifecycle(jobs, bus, new Logger(JobLifecycle.name)),
  inject: [JobRepository, EventBus],
};
