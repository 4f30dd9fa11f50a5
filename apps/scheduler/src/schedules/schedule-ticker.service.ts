import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  contextSettingsOf,
  latestDueTick,
  nextTick,
  normalizeContextSettings,
  SCHEDULE_GRACE_MS,
  storedTiming,
  type ServerConfig,
} from '@jobserver/config';
import { BundleRepository, JobLifecycle, JobRepository, ScheduleRepository, type ScheduleRecord } from '@jobserver/persistence';
import { adHocContextName, errorInfo, type SubmitMessage } from '@jobserver/protocol';
import { SubmitQueue } from '../jobs/submit-queue';
import { SERVER_CONFIG } from '../infra/tokens';
import { tickJobId } from './tick-job-id';

/** The longest a ticker sleeps: a schedule created or resumed meanwhile waits at most this. */
const MAX_SLEEP_MS = 500;
/** Due schedules taken per pass. */
const BATCH = 50;

/** What a tick did. */
type TickOutcome = 'submitted' | 'refused' | 'taken' | 'skipped';

/**
 * Runs the schedules' ticks. Every scheduler runs one ticker and they need no lease: a tick's
 * job id derives from the schedule and the tick ({@link tickJobId}), so when two schedulers
 * take the same due tick the jobs table's primary key records one job and the other scheduler
 * backs off; the schedule then moves on from that tick once ({@link ScheduleRepository.advance}).
 * A scheduler killed mid-pass leaves its tick due, and the next pass of any scheduler runs it
 * or finds its job recorded, and then queues it if no queue holds it (killed between the two).
 * The ticker sleeps until the earliest next tick, at most {@link MAX_SLEEP_MS}: one query a pass
 * when nothing is due.
 *
 * A tick run more than SCHEDULE_GRACE_MS after its time was missed (no scheduler ran): the
 * schedule's `missed` policy (else `schedule-missed`) runs one job for all missed ticks (`once`)
 * or none (`skip`). Either way a schedule runs at most one job a pass.
 */
@Injectable()
export class ScheduleTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleTicker.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private passing: Promise<void> | undefined;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly schedules: ScheduleRepository,
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: JobRepository,
    private readonly bundles: BundleRepository,
    private readonly submitQueue: SubmitQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.sleep(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.passing;
  }

  private sleep(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.passing = this.pass().finally(() => (this.passing = undefined));
    }, ms);
  }

  /** Runs every due tick, then sleeps until the next one. */
  private async pass(): Promise<void> {
    let wait = MAX_SLEEP_MS;
    try {
      const now = new Date();
      const due = await this.schedules.due(now, BATCH);
      for (const schedule of due) {
        if (this.stopped) return;
        await this.tick(schedule, now).catch((err: unknown) => this.logger.error({ err, schedule: schedule.name }, 'schedule tick failed'));
      }
      if (due.length === BATCH) wait = 0;
      else {
        const next = await this.schedules.nextDue();
        if (next) wait = Math.min(MAX_SLEEP_MS, Math.max(0, next.getTime() - Date.now()));
      }
    } catch (err) {
      this.logger.error({ err }, 'schedule pass failed');
    } finally {
      this.sleep(wait);
    }
  }

  /** Runs (or skips) a due schedule's latest tick, then moves it on to its first tick after `now`. */
  async tick(schedule: ScheduleRecord, now: Date): Promise<TickOutcome> {
    const timing = storedTiming(schedule);
    const tick = latestDueTick(timing, schedule.anchor, schedule.nextRunAt, now);
    const lateMs = now.getTime() - tick.getTime();
    const policy = schedule.missed ?? this.config.scheduleMissed;
    let outcome: TickOutcome;
    if (lateMs > SCHEDULE_GRACE_MS && policy === 'skip') {
      await this.schedules.recordRun(schedule.id, tick, null, `missed (no scheduler ran for ${Math.round(lateMs / 1000)} s) and skipped: missed = skip`);
      outcome = 'skipped';
    } else {
      outcome = await this.submit(schedule, tick);
    }
    await this.schedules.advance(schedule.id, schedule.nextRunAt, nextTick(timing, schedule.anchor, now));
    if (outcome === 'submitted' && lateMs > SCHEDULE_GRACE_MS) {
      this.logger.log({ schedule: schedule.name, tick, lateMs }, 'missed ticks of a schedule ran once (missed = once)');
    }
    return outcome;
  }

  /** Records and queues the tick's job, as a gateway does a `POST /jobs`. */
  private async submit(schedule: ScheduleRecord, tick: Date): Promise<TickOutcome> {
    const jobId = tickJobId(schedule.id, tick);
    const adHoc = schedule.contextName === null;
    const context = schedule.contextName ?? adHocContextName(schedule.classPath);
    const job = {
      id: jobId,
      appName: schedule.appName,
      classPath: schedule.classPath,
      contextName: context,
      adHoc,
      config: schedule.config,
      owner: schedule.owner,
      priority: schedule.priority,
      retries: schedule.retries,
    };
    let bundleSha: string | null;
    try {
      [bundleSha] = (await this.lifecycle.submitMany([{ job, contextOwner: schedule.contextOwner }])) as [string | null];
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // Another scheduler recorded this tick's job; if it was killed before it queued the job,
      // the job is still QUEUED and no queue holds it.
      const recorded = await this.jobs.byId(jobId);
      if (recorded?.status === 'QUEUED' && !(await this.submitQueue.holds(jobId, context))) {
        this.logger.warn({ schedule: schedule.name, jobId }, 'a tick\'s job was recorded but not queued (its scheduler stopped): queued');
        await this.submitQueue.add([this.message(schedule, jobId, recorded.bundleSha)]);
      }
      await this.schedules.recordRun(schedule.id, tick, jobId, null);
      return 'taken';
    }
    if (!bundleSha) {
      await this.schedules.recordRun(schedule.id, tick, null, await this.refusal(schedule));
      return 'refused';
    }
    try {
      await this.submitQueue.add([this.message(schedule, jobId, bundleSha)]);
    } catch (error) {
      const notQueued = { status: 'ERROR' as const, error: errorInfo('ServiceUnavailable', 'the job could not be queued') };
      await this.lifecycle.end({ jobId, context, adHoc }, notQueued, { publish: 'none' }).catch(() => undefined);
      throw error;
    } finally {
      await this.schedules.recordRun(schedule.id, tick, jobId, null);
    }
    return 'submitted';
  }

  /** The `submit` message of a tick's job, recorded with `bundleSha`. */
  private message(schedule: ScheduleRecord, jobId: string, bundleSha: string): SubmitMessage {
    const adHoc = schedule.contextName === null;
    return {
      jobId,
      context: schedule.contextName ?? adHocContextName(schedule.classPath),
      adHoc,
      settings: adHoc ? normalizeContextSettings(this.config.contextDefaults, contextSettingsOf(JSON.parse(schedule.config) as Record<string, unknown>)) : undefined,
      appName: schedule.appName,
      bundleSha,
      classPath: schedule.classPath,
      config: schedule.config,
      owner: schedule.owner,
      notifyStart: false,
      priority: schedule.priority,
    };
  }

  /** Why a tick's job was not recorded: its app or its (visible) context is missing. */
  private async refusal(schedule: ScheduleRecord): Promise<string> {
    if (!(await this.bundles.latest(schedule.appName))) return `appName ${schedule.appName} not found`;
    // Another owner's context (auth.isolate-owners) is as good as absent, as on POST /jobs.
    return `context ${schedule.contextName} is not running`;
  }
}

const UNIQUE_VIOLATION = '23505';
