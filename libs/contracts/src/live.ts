/** The live feed (socket.io) and webhooks: event names and payloads, one map for server and dashboard. */
import type { IncidentView } from './incidents';
import type { RunStatus } from './agent';

/** A finished synthetic run, as pushed to the live feed. */
export interface RunCompletedEvent {
  siteId: string;
  runId: string;
  journeyId: string;
  journeyName: string;
  location: string;
  status: RunStatus;
  durationMs: number | null;
  finishedAt: string;
}

/** Beacons stored for one site in one minute, all replicas together. */
export interface BeaconsMinuteEvent {
  siteId: string;
  minute: string;
  count: number;
  syntheticCount: number;
}

/** Every live event and its payload; each payload names its site (the room it goes to). */
export interface LiveEventMap {
  'run.completed': RunCompletedEvent;
  'incident.opened': IncidentView;
  'incident.updated': IncidentView;
  'incident.resolved': IncidentView;
  'beacons.minute': BeaconsMinuteEvent;
}
export type LiveEventName = keyof LiveEventMap;

/** Names of the events the live feed carries. */
export const LIVE_EVENT_NAMES = [
  'run.completed',
  'incident.opened',
  'incident.updated',
  'incident.resolved',
  'beacons.minute',
] as const satisfies readonly LiveEventName[];

/** Events a webhook may subscribe to (the live feed's, minus the per-minute counts). */
export const WEBHOOK_EVENTS = ['incident.opened', 'incident.updated', 'incident.resolved', 'run.completed'] as const satisfies readonly LiveEventName[];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
