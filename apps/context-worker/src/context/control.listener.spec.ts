import { describe, expect, it } from 'vitest';
import type { WorkerControl } from '@jobserver/protocol';
import type { EventBus } from '@jobserver/protocol/redis';
import type { JobRunService } from '../jobs/job-run.service';
import type { StatementRunService } from '../statements/statement-run.service';
import type { ContextHostService } from './context-host.service';
import { ControlListener } from './control.listener';

/** A listener on a fake bus, hosting life `life-2` of context `phoenix`; what it stopped. */
function listening() {
  let deliver!: (message: WorkerControl) => void;
  const stops: Array<boolean | undefined> = [];
  const bus = { onControl: (listener: typeof deliver) => ((deliver = listener), () => undefined) } as unknown as EventBus;
  const host = { name: 'phoenix', contextId: 'life-2', stop: async (force?: boolean) => void stops.push(force) } as unknown as ContextHostService;
  const listener = new ControlListener(bus, host, {} as JobRunService, {} as StatementRunService);
  listener.listen();
  return { deliver, stops };
}

describe('ControlListener stop messages', () => {
  it('stops for its own life, or for a stop that names none, and ignores an earlier life of its name or another name', () => {
    const { deliver, stops } = listening();
    deliver({ type: 'stop', context: 'phoenix', contextId: 'life-1' });
    deliver({ type: 'stop', context: 'other', contextId: 'life-2' });
    expect(stops).toEqual([]);
    deliver({ type: 'stop', context: 'phoenix', contextId: 'life-2', force: true });
    deliver({ type: 'stop', context: 'phoenix' });
    expect(stops).toEqual([true, undefined]);
  });
});
