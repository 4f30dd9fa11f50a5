import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { configParseOptions, nextTick, parseConfigBody, storedTiming, type ServerConfig } from '@jobserver/config';
import { BundleRepository, ScheduleRepository, type ScheduleRecord } from '@jobserver/persistence';
import { BundleNotFound, ScheduleExists, ScheduleNotFound } from '@jobserver/protocol';
import { OwnerScope } from '../auth/owner-scope';
import type { Principal } from '../auth/principal';
import { assertName } from '../infra/names';
import { SERVER_CONFIG } from '../infra/tokens';
import type { ScheduleResponse } from './dto/schedule.response';
import { scheduleRequestOf } from './schedule-body';

/** Ticks shown by `GET /schedules/<name>`. */
const LAST_JOBS = 10;

/**
 * `/schedules`: jobs submitted on a cron or every period. The gateway only records schedules;
 * the schedulers run their ticks (ScheduleTicker).
 */
@Injectable()
export class ScheduleService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly schedules: ScheduleRepository,
    private readonly bundles: BundleRepository,
    private readonly owners: OwnerScope,
  ) {}

  /** @throws BadRequest; ConfigParseError; BundleNotFound; ScheduleExists */
  async create(name: string, body: string, principal?: Principal): Promise<ScheduleResponse> {
    assertName(name, 'schedule name', /^[A-Za-z]/, 'start with a letter');
    const { config } = await parseConfigBody(body, configParseOptions(this.config));
    const request = scheduleRequestOf(config, { minIntervalMs: this.config.scheduleMinIntervalMs, contextDefaults: this.config.contextDefaults });
    if (!(await this.bundles.latest(request.appName))) throw new BundleNotFound(request.appName, `appName ${request.appName} not found`);
    const now = new Date();
    const { timing } = request;
    const created = await this.schedules.create({
      id: randomUUID(),
      name,
      appName: request.appName,
      classPath: request.classPath,
      contextName: request.context,
      cron: 'cron' in timing ? timing.cron : null,
      everyMs: 'everyMs' in timing ? timing.everyMs : null,
      timezone: 'cron' in timing ? timing.timezone : null,
      config: request.config,
      priority: request.priority,
      retries: request.retries,
      missed: request.missed,
      owner: principal?.name ?? null,
      contextOwner: this.owners.of(principal) ?? null,
      anchor: now,
      nextRunAt: nextTick(timing, now, now),
    });
    if (!created) throw new ScheduleExists(name);
    return this.toResponse(created);
  }

  async list(principal?: Principal): Promise<ScheduleResponse[]> {
    return (await this.schedules.list(this.owners.of(principal))).map((s) => this.toResponse(s));
  }

  /** @throws ScheduleNotFound */
  async get(name: string, principal?: Principal): Promise<ScheduleResponse> {
    const schedule = await this.find(name, principal);
    const runs = await this.schedules.runs(schedule.id, LAST_JOBS);
    const lastJobs = runs.map((r) => ({ tick: r.tickAt.toISOString(), jobId: r.jobId, status: r.jobStatus, error: r.error }));
    return { ...this.toResponse(schedule), lastJobs };
  }

  /** @throws ScheduleNotFound */
  async remove(name: string, principal?: Principal): Promise<void> {
    const schedule = await this.find(name, principal);
    if (!(await this.schedules.remove(schedule.id))) throw new ScheduleNotFound(name);
  }

  /** Stops ticking (a paused schedule runs nothing, and no missed ticks when resumed). @throws ScheduleNotFound */
  async pause(name: string, principal?: Principal): Promise<ScheduleResponse> {
    await this.schedules.pause((await this.find(name, principal)).id);
    return this.get(name, principal);
  }

  /** Ticks again from now on (an `every` schedule's ticks count from now). @throws ScheduleNotFound */
  async resume(name: string, principal?: Principal): Promise<ScheduleResponse> {
    const schedule = await this.find(name, principal);
    const now = new Date();
    await this.schedules.resume(schedule.id, now, nextTick(storedTiming(schedule), now, now));
    return this.get(name, principal);
  }

  private async find(name: string, principal?: Principal): Promise<ScheduleRecord> {
    const schedule = name.length <= 100 ? await this.schedules.byName(name) : null;
    if (!schedule || !this.owners.sees(principal, schedule.owner)) throw new ScheduleNotFound(name);
    return schedule;
  }

  private toResponse(s: ScheduleRecord): ScheduleResponse {
    return {
      name: s.name,
      appName: s.appName,
      classPath: s.classPath,
      context: s.contextName,
      cron: s.cron,
      every: s.everyMs === null ? null : formatDuration(s.everyMs),
      timezone: s.timezone,
      config: JSON.parse(s.config) as Record<string, unknown>,
      priority: s.priority,
      retries: s.retries,
      missed: s.missed ?? this.config.scheduleMissed,
      paused: s.paused,
      createdAt: s.createdAt.toISOString(),
      nextRunAt: s.paused ? null : s.nextRunAt.toISOString(),
      lastRunAt: s.lastRunAt?.toISOString() ?? null,
    };
  }
}

const UNITS: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** `90000` → `90s`, `300000` → `5m`: the largest unit that divides it, else milliseconds. */
function formatDuration(ms: number): string {
  const unit = UNITS.find(([, size]) => ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
}
