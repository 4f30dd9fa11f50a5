import { unwrap, type Api } from './api.call';
import type { CallOptions, NewSchedule, Schedule, SuccessAnswer } from './api.types';

/** `/schedules`: jobs submitted on a cron or every period. */
export class ScheduleApi {
  constructor(private readonly api: Api) {}

  /** @throws JobserverError 400 (bad cron, every, …), 404 (unknown app), 409 (name in use) */
  create(name: string, schedule: NewSchedule, options: CallOptions = {}): Promise<Schedule> {
    return unwrap('POST', this.api.POST('/schedules/{name}', { params: { path: { name } }, body: schedule, signal: options.signal }));
  }

  /** Every schedule, by name. */
  list(options: CallOptions = {}): Promise<Schedule[]> {
    return unwrap('GET', this.api.GET('/schedules', { signal: options.signal }));
  }

  /** A schedule with its last jobs. @throws JobserverError 404 */
  get(name: string, options: CallOptions = {}): Promise<Schedule> {
    return unwrap('GET', this.api.GET('/schedules/{name}', { params: { path: { name } }, signal: options.signal }));
  }

  /** @throws JobserverError 404 */
  delete(name: string, options: CallOptions = {}): Promise<SuccessAnswer> {
    return unwrap('DELETE', this.api.DELETE('/schedules/{name}', { params: { path: { name } }, signal: options.signal }));
  }

  /** @throws JobserverError 404 */
  pause(name: string, options: CallOptions = {}): Promise<Schedule> {
    return unwrap('POST', this.api.POST('/schedules/{name}/pause', { params: { path: { name } }, signal: options.signal }));
  }

  /** @throws JobserverError 404 */
  resume(name: string, options: CallOptions = {}): Promise<Schedule> {
    return unwrap('POST', this.api.POST('/schedules/{name}/resume', { params: { path: { name } }, signal: options.signal }));
  }
}
