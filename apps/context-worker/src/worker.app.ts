import type { ServerConfig } from '@jobserver/config';
import {
  BundleRepository,
  ContextRepository,
  DataFileRepository,
  JobLifecycle,
  JobRepository,
  openPgSource,
  SnapshotRepository,
  StatementRepository,
} from '@jobserver/persistence/core';
import { RedisNames } from '@jobserver/protocol';
import { connectRedis, JobClaims, openEventBus, ReplicaAck, StatementClaims, type RedisLog } from '@jobserver/protocol/redis';
import { BundleCacheService } from './bundles/bundle-cache.service';
import { ContextHostService } from './context/context-host.service';
import { ControlListener } from './context/control.listener';
import { ExecutorService } from './context/executor.service';
import { DataCacheService } from './data/data-cache.service';
import { WORKER_DATABASE_POOL_SIZE } from './infra/database-pool';
import { Logger } from './infra/logger';
import { ProcessRegistration } from './infra/process-registration.service';
import { ContextJobProcessor } from './jobs/context-job.processor';
import { JobRunService } from './jobs/job-run.service';
import { ContextClaimService } from './pool/context-claim.service';
import { SnapshotService } from './snapshots/snapshot.service';
import { StatementRunService } from './statements/statement-run.service';

/** What the Redis client tells of its connection (sentinels that do not answer). */
const redisLog: RedisLog = (fields, message) => new Logger('Redis').warn(fields, message);

/**
 * The context worker, wired by hand: its connections (Redis, the event bus, a Postgres pool), its
 * repositories and its services. The worker loads neither Nest nor TypeORM: together they cost an
 * idle worker ~30 MiB and ~350 ms of CPU at every boot (docs/performance-worker.md).
 */
export class WorkerApp {
  private constructor(
    readonly host: ContextHostService,
    readonly claims: ContextClaimService,
    private readonly registration: ProcessRegistration,
    private readonly dataCache: DataCacheService,
    private readonly closeConnections: () => Promise<void>,
  ) {}

  /**
   * Opens the connections, builds the services, empties the data cache's folder and starts
   * listening for control messages and registering the process.
   * Logs go where `configureLog` was told.
   */
  static async open(config: ServerConfig): Promise<WorkerApp> {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is not set');
    const names = new RedisNames(config.prefix);
    const redis = connectRedis(config.redis, `worker:${config.instanceId}`, { log: redisLog });
    const opening = [
      openEventBus(redis, names, `worker:${config.instanceId}`, { control: true }, (error) =>
        new Logger('EventBus').error(`protocol error: ${error.message}`),
      ),
      openPgSource({ url: config.databaseUrl, poolSize: WORKER_DATABASE_POOL_SIZE, applicationName: 'jobserver-context-worker' }, (error) =>
        new Logger('Postgres').warn({ err: error }, 'a pooled Postgres connection failed'),
      ),
    ] as const;
    const [bus, database] = await Promise.allSettled(opening);
    const closeConnections = async () => {
      if (bus.status === 'fulfilled') await bus.value.close();
      if (database.status === 'fulfilled') await database.value.close();
      redis.disconnect();
    };
    if (bus.status === 'rejected' || database.status === 'rejected') {
      await closeConnections();
      throw bus.status === 'rejected' ? bus.reason : (database as PromiseRejectedResult).reason;
    }
    const db = database.value;
    const prepare = config.preparedStatements;
    const contexts = new ContextRepository(db);
    const bundles = new BundleRepository(db);
    const ack = ReplicaAck.of(config.redis, redis, redisLog);
    const lifecycle = new JobLifecycle(new JobRepository(db, { prepare }), bus.value, new Logger(JobLifecycle.name));

    const dataCache = new DataCacheService(config, new DataFileRepository(db));
    const bundleCache = new BundleCacheService(config, bundles);
    const executors = new ExecutorService(config, contexts, bus.value, dataCache);
    const runs = new JobRunService(config, lifecycle, bundleCache, executors, new JobClaims(redis, names, ack));
    const statements = new StatementRunService(
      config,
      new StatementRepository(db, { prepare }),
      bundles,
      bundleCache,
      executors,
      bus.value,
      new StatementClaims(redis, names, ack),
    );
    const snapshots = new SnapshotService(config, new SnapshotRepository(db), executors, bus.value);
    const processor = new ContextJobProcessor(config, redis, names, runs, statements);
    const host = new ContextHostService(config, redis, names, contexts, lifecycle, bus.value, executors, runs, processor, statements, snapshots, bundleCache);
    const registration = new ProcessRegistration(config, redis, names, host);
    const app = new WorkerApp(host, new ContextClaimService(config, redis, names, contexts), registration, dataCache, closeConnections);

    await dataCache.clear();
    new ControlListener(bus.value, host, runs, statements, snapshots).listen();
    registration.start();
    return app;
  }

  /** Stops registering the process, empties the data cache and closes the connections. */
  async close(): Promise<void> {
    await this.registration.stop();
    await this.dataCache.clear();
    await this.closeConnections();
  }
}
