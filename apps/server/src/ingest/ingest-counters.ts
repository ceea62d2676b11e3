import type { IngestRejectReason } from '@parallax/contracts';

/** Counts of one site (or one origin, when no site is known) in one minute. */
export interface CounterCell {
  accepted: number;
  rejected: Record<IngestRejectReason, number>;
  lastBeaconMs: number | null;
}

/** Who a count belongs to: a site, or the Origin of a request that named no known site. */
export type CounterOwner = { siteId: string } | { origin: string };

const MINUTE_MS = 60_000;
/** Most distinct owners kept between flushes: a flood of made-up Origins must not grow memory without bound. */
const MAX_CELLS = 10_000;

const emptyCell = (): CounterCell => ({ accepted: 0, rejected: { origin: 0, key: 0, size: 0, rate: 0, invalid: 0 }, lastBeaconMs: null });

/** In-memory ingest counters per owner and minute, taken out in one piece by each flush. Pure: no clock, no database. */
export class IngestCounters {
  private cells = new Map<string, { owner: CounterOwner; minuteMs: number; cell: CounterCell }>();

  private cellOf(owner: CounterOwner, nowMs: number): CounterCell | undefined {
    const minuteMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
    const key = `${'siteId' in owner ? `s:${owner.siteId}` : `o:${owner.origin}`}|${minuteMs}`;
    let entry = this.cells.get(key);
    if (!entry) {
      if (this.cells.size >= MAX_CELLS) return undefined;
      entry = { owner, minuteMs, cell: emptyCell() };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  accepted(siteId: string, count: number, nowMs: number): void {
    const cell = this.cellOf({ siteId }, nowMs);
    if (!cell) return;
    cell.accepted += count;
    cell.lastBeaconMs = Math.max(cell.lastBeaconMs ?? 0, nowMs);
  }

  rejected(owner: CounterOwner, reason: IngestRejectReason, nowMs: number): void {
    const cell = this.cellOf(owner, nowMs);
    if (cell) cell.rejected[reason]++;
  }

  /** Everything counted since the last call; the counters start again from zero. */
  take(): { owner: CounterOwner; minuteMs: number; cell: CounterCell }[] {
    const out = [...this.cells.values()];
    this.cells = new Map();
    return out;
  }

  /** Puts counts back (a flush that failed), to be added by the next one. */
  restore(entries: { owner: CounterOwner; minuteMs: number; cell: CounterCell }[]): void {
    for (const e of entries) {
      const cell = this.cellOf(e.owner, e.minuteMs);
      if (!cell) continue;
      cell.accepted += e.cell.accepted;
      for (const r of Object.keys(cell.rejected) as IngestRejectReason[]) cell.rejected[r] += e.cell.rejected[r];
      if (e.cell.lastBeaconMs !== null) cell.lastBeaconMs = Math.max(cell.lastBeaconMs ?? 0, e.cell.lastBeaconMs);
    }
  }

  /** Not yet flushed counts of one site since `sinceMs` (this replica's share of the freshest minute). */
  pendingFor(siteId: string, sinceMs: number): CounterCell {
    const sum = emptyCell();
    for (const { owner, minuteMs, cell } of this.cells.values()) {
      if (!('siteId' in owner) || owner.siteId !== siteId || minuteMs + MINUTE_MS <= sinceMs) continue;
      sum.accepted += cell.accepted;
      for (const r of Object.keys(sum.rejected) as IngestRejectReason[]) sum.rejected[r] += cell.rejected[r];
      if (cell.lastBeaconMs !== null) sum.lastBeaconMs = Math.max(sum.lastBeaconMs ?? 0, cell.lastBeaconMs);
    }
    return sum;
  }
}
