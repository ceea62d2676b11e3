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

/** Every domain event and its payload; the live gateway forwards them, services only emit. */
export interface DomainEventMap {
  'run.completed': RunCompletedEvent;
}

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
