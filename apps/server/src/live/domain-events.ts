import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/** A finished synthetic run, as pushed to the live feed. */
export interface RunCompletedEvent {
  siteId: string;
  runId: string;
  journeyId: string;
  journeyName: string;
  location: string;
  status: string;
  durationMs: number | null;
  finishedAt: string;
}

/** An incident as pushed to the live feed and webhooks (the API view). */
export interface IncidentEvent {
  siteId: string;
  id: string;
  [key: string]: unknown;
}

/** Beacons stored for one site in one minute, all replicas together. */
export interface BeaconsMinuteEvent {
  siteId: string;
  minute: string;
  count: number;
  syntheticCount: number;
}

/** Every domain event and its payload; the live gateway forwards them, services only emit. */
export interface DomainEventMap {
  'run.completed': RunCompletedEvent;
  'incident.opened': IncidentEvent;
  'incident.updated': IncidentEvent;
  'incident.resolved': IncidentEvent;
  'beacons.minute': BeaconsMinuteEvent;
}

/** Names of the events the live feed carries. */
export const LIVE_EVENTS: (keyof DomainEventMap)[] = ['run.completed', 'incident.opened', 'incident.updated', 'incident.resolved', 'beacons.minute'];

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
