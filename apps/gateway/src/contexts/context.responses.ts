import type { ContextRecord } from '@jobserver/persistence';
import type { ContextResponse } from './dto/context.response';

export function toContextResponse(context: ContextRecord, runningJobs: number): ContextResponse {
  return {
    name: context.name,
    state: context.state,
    startTime: context.startTime.toISOString(),
    adHoc: context.adHoc,
    settings: context.settings,
    runningJobs,
    owner: context.owner ?? null,
  };
}
