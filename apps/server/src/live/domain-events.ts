import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { LIVE_EVENT_NAMES, type LiveEventMap, type LiveEventName } from '@parallax/contracts';

export type { BeaconsMinuteEvent, IncidentView as IncidentEvent, RunCompletedEvent } from '@parallax/contracts';

/** Every domain event and its payload: the live event map of @parallax/contracts (the gateway forwards them all). */
export type DomainEventMap = LiveEventMap;

/** Names of the events the live feed carries. */
export const LIVE_EVENTS: readonly LiveEventName[] = LIVE_EVENT_NAMES;

/** In-process typed event bus: services emit domain events and never touch socket.io. */
@Injectable()
export class DomainEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(50);
  }

  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof DomainEventMap>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
