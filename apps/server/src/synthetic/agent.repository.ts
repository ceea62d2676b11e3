import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import type { LocationDefaults } from './slots';

/** A configured location, with the liveness of its agents. */
export interface LocationView {
  name: string;
  region: string;
  device: unknown;
  network: unknown;
  liveAgents: number;
  lastSeenAt: string | null;
  stale: boolean;
}

/** All SQL on locations and agents. */
@Injectable()
export class AgentRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.dataSource, text, params);
  }

  async register(a: { location: string; name: string; version: string; concurrency: number }): Promise<string> {
    const rows: { id: string }[] = await this.rows(
      `INSERT INTO agents (location, name, version, concurrency) VALUES ($1, $2, $3, $4) RETURNING id`,
      [a.location, a.name, a.version, a.concurrency],
    );
    return rows[0].id;
  }

  /** Marks an agent alive; returns its location, or null for an unknown agent. */
  async touch(agentId: string): Promise<string | null> {
    const rows: { location: string }[] = await this.rows(
      `UPDATE agents SET last_seen_at = now() WHERE id = $1 RETURNING location`,
      [agentId],
    );
    return rows[0]?.location ?? null;
  }

  async locationExists(name: string): Promise<boolean> {
    const rows = await this.rows(`SELECT 1 FROM locations WHERE name = $1`, [name]);
    return rows.length > 0;
  }

  /** A location's default device and network profiles (null when unset). */
  async locationDefaults(name: string): Promise<LocationDefaults | undefined> {
    const rows = await this.rows<LocationDefaults>(`SELECT device, network FROM locations WHERE name = $1`, [name]);
    return rows[0];
  }

  async upsertLocation(l: { name: string; region: string; device?: unknown; network?: unknown }): Promise<void> {
    await this.rows(
      `INSERT INTO locations (name, region, device, network) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET region = EXCLUDED.region, device = EXCLUDED.device, network = EXCLUDED.network`,
      [l.name, l.region, l.device === undefined ? null : JSON.stringify(l.device), l.network === undefined ? null : JSON.stringify(l.network)],
    );
  }

  /** Locations with their agents seen within `staleAfterMs`; a location with none is stale. */
  async locations(staleAfterMs: number): Promise<LocationView[]> {
    const rows: { name: string; region: string; device: unknown; network: unknown; live: string; last_seen: Date | null }[] = await this.rows(
      `SELECT l.name, l.region, l.device, l.network,
         count(a.id) FILTER (WHERE a.last_seen_at > now() - ($1 || ' milliseconds')::interval) AS live,
         max(a.last_seen_at) AS last_seen
       FROM locations l LEFT JOIN agents a ON a.location = l.name GROUP BY l.name ORDER BY l.name`,
      [String(staleAfterMs)],
    );
    return rows.map((r) => ({
      name: r.name,
      region: r.region,
      device: r.device,
      network: r.network,
      liveAgents: Number(r.live),
      lastSeenAt: r.last_seen ? r.last_seen.toISOString() : null,
      stale: Number(r.live) === 0,
    }));
  }

  /** Names of locations with a live agent. */
  async liveLocations(staleAfterMs: number): Promise<string[]> {
    return (await this.locations(staleAfterMs)).filter((l) => !l.stale).map((l) => l.name);
  }

  /** Forgets agents not seen for a day (their rows only describe the past). */
  async pruneAgents(): Promise<void> {
    await this.rows(`DELETE FROM agents WHERE last_seen_at < now() - interval '1 day'`);
  }
}
