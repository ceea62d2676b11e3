// The live feed over socket.io: one connection, subscribed to the selected site's room; a rejected token asks
// the user again and reconnects.
import { io, type Socket } from 'socket.io-client';
import type { TokenStore } from './auth';
import type { BeaconsMinuteEvent as BeaconsMinute, IncidentView as Incident, RunCompletedEvent as RunCompleted } from '@parallax/contracts/dashboard-views';

/** Events the server pushes, with their payloads. */
export interface LiveEvents {
  'incident.opened': Incident;
  'incident.updated': Incident;
  'incident.resolved': Incident;
  'run.completed': RunCompleted;
  'beacons.minute': BeaconsMinute;
}

/** 'reconnected': live again after a drop, so events may have been missed. */
export type LiveStatus = 'connecting' | 'live' | 'reconnected' | 'offline';
type Listener<K extends keyof LiveEvents> = (payload: LiveEvents[K]) => void;

const EVENT_NAMES: (keyof LiveEvents)[] = ['incident.opened', 'incident.updated', 'incident.resolved', 'run.completed', 'beacons.minute'];

/** The dashboard's socket: events for the current site only, and a connection status for the header. */
export class LiveFeed {
  private socket: Socket | null = null;
  private siteId: string | null = null;
  private readonly listeners = new Map<keyof LiveEvents, Set<(payload: never) => void>>();
  private everConnected = false;
  private statusListener: (status: LiveStatus) => void = () => {};

  constructor(private readonly tokens: TokenStore) {}

  /** Connects with the stored token (prompting if there is none). */
  async start(): Promise<void> {
    await this.tokens.token();
    // auth as a function: every reconnect sends the token the user entered last (here or for a REST call).
    let sentToken = '';
    const socket = io({
      auth: (cb) => cb({ token: (sentToken = this.tokens.current() ?? '') }),
      transports: ['websocket', 'polling'],
    });
    this.socket = socket;
    this.statusListener('connecting');
    socket.on('connect', () => {
      this.statusListener(this.everConnected ? 'reconnected' : 'live');
      this.everConnected = true;
      if (this.siteId) socket.emit('subscribe', { siteId: this.siteId });
    });
    socket.on('disconnect', () => this.statusListener('offline'));
    socket.on('connect_error', async (error: Error) => {
      this.statusListener('offline');
      if (error.message !== 'unauthorized') return; // socket.io retries network errors by itself
      await this.tokens.rejected(sentToken);
      socket.connect();
    });
    for (const name of EVENT_NAMES) {
      socket.on(name, (payload: { siteId?: string }) => {
        // Events of a site the user just left may still be in flight.
        if (payload?.siteId && payload.siteId !== this.siteId) return;
        for (const listener of this.listeners.get(name) ?? []) listener(payload as never);
      });
    }
  }

  /** Switches the subscription to `siteId`. */
  setSite(siteId: string): void {
    if (siteId === this.siteId) return;
    const previous = this.siteId;
    this.siteId = siteId;
    if (!this.socket?.connected) return; // 'connect' subscribes
    if (previous) this.socket.emit('unsubscribe', { siteId: previous });
    this.socket.emit('subscribe', { siteId });
  }

  /** Adds a listener; returns the function that removes it (screens unsubscribe when they go). */
  on<K extends keyof LiveEvents>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => set.delete(l);
  }

  onStatus(listener: (status: LiveStatus) => void): void {
    this.statusListener = listener;
  }
}
