import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EventWaiter, ExecutorBusy, NamedObjectNotFound, type NamedObjectInfo, type ObjectsEvent } from '@jobserver/protocol';
import { EventBus } from '@jobserver/protocol/redis';
import type { Principal } from '../auth/principal';
import { RedisReadiness } from '../infra/redis-readiness.service';
import { ContextService } from './context.service';
import type { NamedObjectResponse } from './dto/named-object.response';

/** How long a catalog request waits for the context's worker (its executor thread answers within 1 s or not at all). */
const OBJECTS_TIMEOUT_MS = 2000;

/**
 * The named objects of a live context (`GET /contexts/<name>/objects`, `DELETE …/<object>`):
 * asked of its worker over the control channel, answered by its executor thread, which holds
 * them. A thread busy with a job does not answer: 503.
 */
@Injectable()
export class ContextObjectsService {
  constructor(
    private readonly contexts: ContextService,
    private readonly waiter: EventWaiter,
    private readonly bus: EventBus,
    private readonly redis: RedisReadiness,
  ) {}

  /** @throws ContextNotFound; ExecutorBusy */
  async list(name: string, principal?: Principal): Promise<NamedObjectResponse[]> {
    const answer = await this.ask(name, principal);
    return answer.objects!.map(toResponse);
  }

  /** @throws ContextNotFound; NamedObjectNotFound; ExecutorBusy */
  async remove(name: string, object: string, principal?: Principal): Promise<void> {
    const answer = await this.ask(name, principal, object);
    if (!answer.removed) throw new NamedObjectNotFound(object, name);
  }

  private async ask(name: string, principal: Principal | undefined, remove?: string): Promise<ObjectsEvent> {
    await this.contexts.findLive(name, principal);
    this.redis.assertReady();
    const requestId = randomUUID();
    const answer = this.waiter.forObjects(requestId);
    await this.bus.sendControl({ type: 'objects', context: name, requestId, remove }).catch((error: unknown) => {
      answer.cancel();
      throw error;
    });
    const event = await answer.wait(OBJECTS_TIMEOUT_MS);
    if (!event?.objects) throw new ExecutorBusy(name, OBJECTS_TIMEOUT_MS);
    return event;
  }
}

function toResponse(info: NamedObjectInfo): NamedObjectResponse {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    name: info.name,
    type: info.type,
    bytes: info.bytes,
    partial: info.partial,
    createdAt: iso(info.createdAt),
    updatedAt: iso(info.updatedAt),
    lastUsedAt: iso(info.lastUsedAt),
    // Seconds left, rounded up (an object past its ttl is gone from the catalog).
    ttl: info.expiresAt === null ? null : Math.max(0, Math.ceil((info.expiresAt - Date.now()) / 1000)),
  };
}
