import type { ContextRecord } from '@jobserver/persistence';

export function toContextResponse(context: ContextRecord, runningJobs: number): object {
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
