import { Module, type DynamicModule } from '@nestjs/common';
import { logOptions, type ServerConfig } from '@jobserver/config';
import { PersistenceModule } from '@jobserver/persistence';
import { LoggerModule } from 'nestjs-pino';
import { BundleCacheService } from './bundles/bundle-cache.service';
import { DataCacheService } from './data/data-cache.service';
import { ContextHostService } from './context/context-host.service';
import { ControlListener } from './context/control.listener';
import { ExecutorService } from './context/executor.service';
import { WORKER_DATABASE_POOL_SIZE } from './infra/database-pool';
import { InfraModule } from './infra/infra.module';
import { ProcessRegistration } from './infra/process-registration.service';
import { ContextJobProcessor } from './jobs/context-job.processor';
import { ContextClaimService } from './pool/context-claim.service';
import { JobRunService } from './jobs/job-run.service';
import { SnapshotService } from './snapshots/snapshot.service';
import { STATEMENT_CLAIMS_PROVIDER } from './statements/statement-claims.provider';
import { StatementRunService } from './statements/statement-run.service';

@Module({})
export class WorkerModule {
  /** @param contextId the context to host, when known at start (local launcher); pool workers claim one */
  static forRoot(config: ServerConfig, contextId?: string): DynamicModule {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: logOptions(config, { app: 'context-worker', instance: config.instanceId, pid: process.pid, ...(contextId ? { contextId } : {}) }),
        }),
        InfraModule.forRoot(config),
        PersistenceModule.forRoot({
          prepareStatements: config.preparedStatements,
          url: config.databaseUrl,
          poolSize: WORKER_DATABASE_POOL_SIZE,
          applicationName: 'jobserver-context-worker',
          migrate: false,
        }),
      ],
      providers: [
        BundleCacheService,
        DataCacheService,
        ExecutorService,
        JobRunService,
        StatementRunService,
        STATEMENT_CLAIMS_PROVIDER,
        SnapshotService,
        ContextJobProcessor,
        ContextHostService,
        ControlListener,
        ContextClaimService,
        ProcessRegistration,
      ],
    };
  }
}
