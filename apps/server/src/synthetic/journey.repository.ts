import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseJourney, type Journey } from '@parallax/journeys';
import { queryRows } from '../database/sql';

/** A stored journey: its YAML source, the validated definition and how it is scheduled. */
export interface JourneyRow {
  id: string;
  siteId: string;
  name: string;
  origin: 'file' | 'api';
  filePath: string | null;
  sourceYaml: string;
  /** The parsed journey (what the agent runs). */
  definition: Journey;
  contentHash: string;
  enabled: boolean;
  intervalMs: number | null;
  cron: string | null;
  locations: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type JourneyUpsert = Omit<JourneyRow, 'id' | 'createdAt' | 'updatedAt' | 'enabled'> & { enabled?: boolean };

const SELECT = `id, site_id AS "siteId", name, origin, file_path AS "filePath", source_yaml AS "sourceYaml", definition,
  content_hash AS "contentHash", enabled, interval_ms AS "intervalMs", cron, locations, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** All SQL on journeys. */
@Injectable()
export class JourneyRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return queryRows<T>(this.dataSource, text, params);
  }

  private async journeys(text: string, params: unknown[] = []): Promise<JourneyRow[]> {
    return (await this.rows<JourneyRow>(text, params)).map(withSetByFile);
  }

  /** Creates or replaces the journey named `name` of a site (versioned by content hash); keeps `enabled` unless given. */
  async upsert(j: JourneyUpsert): Promise<{ journey: JourneyRow; changed: boolean }> {
    const before = await this.rows<Pick<JourneyRow, 'contentHash'>>(`SELECT content_hash AS "contentHash" FROM journeys WHERE site_id = $1 AND name = $2`, [j.siteId, j.name]);
    const rows = await this.journeys(
      `INSERT INTO journeys (site_id, name, origin, file_path, source_yaml, definition, content_hash, interval_ms, cron, locations, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11, true))
       ON CONFLICT (site_id, name) DO UPDATE SET origin = EXCLUDED.origin, file_path = EXCLUDED.file_path,
         source_yaml = EXCLUDED.source_yaml, definition = EXCLUDED.definition, content_hash = EXCLUDED.content_hash,
         interval_ms = EXCLUDED.interval_ms, cron = EXCLUDED.cron, locations = EXCLUDED.locations,
         enabled = COALESCE($11, journeys.enabled),
         updated_at = CASE WHEN journeys.content_hash = EXCLUDED.content_hash THEN journeys.updated_at ELSE now() END
       RETURNING ${SELECT}`,
      [j.siteId, j.name, j.origin, j.filePath, j.sourceYaml, JSON.stringify(j.definition), j.contentHash, j.intervalMs, j.cron, j.locations, j.enabled ?? null],
    );
    return { journey: rows[0], changed: before[0]?.contentHash !== j.contentHash };
  }

  async findById(id: string): Promise<JourneyRow | null> {
    const rows = await this.journeys(`SELECT ${SELECT} FROM journeys WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async list(siteId?: string): Promise<JourneyRow[]> {
    return siteId
      ? this.journeys(`SELECT ${SELECT} FROM journeys WHERE site_id = $1 ORDER BY name`, [siteId])
      : this.journeys(`SELECT ${SELECT} FROM journeys ORDER BY name`);
  }

  async listEnabled(): Promise<JourneyRow[]> {
    return this.journeys(`SELECT ${SELECT} FROM journeys WHERE enabled`);
  }

  async setEnabled(id: string, enabled: boolean): Promise<JourneyRow | null> {
    const rows = await this.journeys(`UPDATE journeys SET enabled = $2, updated_at = now() WHERE id = $1 RETURNING ${SELECT}`, [id, enabled]);
    return rows[0] ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.rows(`DELETE FROM journeys WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** Deletes file journeys whose file is no longer in the folder; returns their names. */
  async deleteFileJourneysExcept(filePaths: string[]): Promise<string[]> {
    const rows: { name: string }[] = await this.rows(
      `DELETE FROM journeys WHERE origin = 'file' AND NOT (file_path = ANY($1::text[])) RETURNING name`,
      [filePaths],
    );
    return rows.map((r) => r.name);
  }
}

/**
 * Journeys stored before the parsed model carried its set-by-file flags get them from their own source, parsed
 * (not grepped) once per read; every save since stores them.
 */
function withSetByFile(row: JourneyRow): JourneyRow {
  if (row.definition.setByFile) return row;
  const parsed = parseJourney(row.sourceYaml, row.filePath ?? `${row.name}.yaml`);
  const setByFile = parsed.ok ? parsed.journey.setByFile : { device: true, network: true };
  return { ...row, definition: { ...row.definition, setByFile } };
}
