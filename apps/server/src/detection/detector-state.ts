import type { IncidentState, RumState, SyntheticState } from '@parallax/detect';

/** What the lifecycle keeps per open incident, plus the id of its row. */
export type StoredIncident = IncidentState & { incidentId: string };

/** One stored row of detector state (table detector_state, key unique per site). */
export interface DetectorStateRow {
  key: string;
  state: unknown;
}

const RUM = 'rum|';
const SYNTHETIC = 'synthetic';
const INCIDENT = 'incident|';

/**
 * A site's detector state between ticks, typed: one RumState per real-user series (route x metric), the
 * synthetic detector's state, and the lifecycle state of each open incident. Stored as one row per part
 * under the keys `rum|<route>|<metric>`, `synthetic` and `incident|<incident key>`.
 */
export class DetectorState {
  /** By `${route}|${metric}`. */
  readonly rum = new Map<string, RumState>();
  synthetic: SyntheticState | undefined;
  /** By incident key (IncidentCandidate.key). */
  readonly incidents = new Map<string, StoredIncident>();

  static rumKey(route: string, metric: string): string {
    return `${route}|${metric}`;
  }

  /** Route of a rum key. */
  static routeOf(rumKey: string): string {
    return rumKey.split('|')[0];
  }

  /** The storage key of an incident's state. */
  static incidentRowKey(incidentKey: string): string {
    return INCIDENT + incidentKey;
  }

  /** Reads stored rows; the detector wrote them, so each key says which state its JSON is. */
  static fromRows(rows: DetectorStateRow[]): DetectorState {
    const out = new DetectorState();
    for (const { key, state } of rows) {
      if (key.startsWith(RUM)) out.rum.set(key.slice(RUM.length), state as RumState);
      else if (key === SYNTHETIC) out.synthetic = state as SyntheticState;
      else if (key.startsWith(INCIDENT)) out.incidents.set(key.slice(INCIDENT.length), state as StoredIncident);
    }
    return out;
  }

  toRows(): DetectorStateRow[] {
    return [
      ...[...this.rum].map(([key, state]) => ({ key: RUM + key, state })),
      ...(this.synthetic === undefined ? [] : [{ key: SYNTHETIC, state: this.synthetic }]),
      ...[...this.incidents].map(([key, state]) => ({ key: INCIDENT + key, state })),
    ];
  }
}
