// Pure list updates for the live feed: incidents and runs arriving over socket.io merged into what is shown.
import type { IncidentView as Incident, IncidentStatus, RunView as Run } from '@parallax/contracts/dashboard-views';

/** Incidents newest first by opening time; ties by id, so the order is stable. */
export function sortIncidents(list: Incident[]): Incident[] {
  return list.slice().sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The list with `incident` added or replaced (by id). A new incident that does not match the status filter is
 * left out; a shown one that changes status stays, so the user sees it move on. At most `limit` are kept.
 */
export function upsertIncident(list: Incident[], incident: Incident, statusFilter: IncidentStatus | null, limit = 100): { list: Incident[]; isNew: boolean } {
  const index = list.findIndex((i) => i.id === incident.id);
  if (index === -1) {
    if (statusFilter && incident.status !== statusFilter) return { list, isNew: false };
    return { list: sortIncidents([incident, ...list]).slice(0, limit), isNew: true };
  }
  // An out-of-order older event must not overwrite a newer state.
  if (Date.parse(incident.updatedAt) < Date.parse(list[index].updatedAt)) return { list, isNew: false };
  const next = list.slice();
  next[index] = incident;
  return { list: sortIncidents(next), isNew: false };
}

/** Runs newest first with `run` added (or replaced by id), at most `limit`. */
export function prependRun(runs: Run[], run: Run, limit = 20): Run[] {
  return [run, ...runs.filter((r) => r.id !== run.id)].slice(0, limit);
}

/** Whether an incident was active at some time after `fromMs`: still unresolved, or resolved after it. */
export function activeSince(incident: Incident, fromMs: number): boolean {
  if (incident.status !== 'resolved') return true;
  const resolvedMs = Date.parse(incident.resolvedAt ?? incident.updatedAt);
  return !(resolvedMs < fromMs);
}

/** Counts of incidents per status, for the feed's header. */
export function countByStatus(list: Incident[]): Record<IncidentStatus, number> {
  const counts: Record<IncidentStatus, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const i of list) if (i.status in counts) counts[i.status]++;
  return counts;
}
