import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';

/** A deployment or other change of a site. */
export interface DeploymentRow {
  id: string;
  siteId: string;
  version: string;
  commit: string | null;
  description: string | null;
  kind: 'deployment' | 'config' | 'other';
  at: Date;
}

const SELECT = `id, site_id AS "siteId", version, commit, description, kind, at`;

@Injectable()
export class DeploymentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(d: Omit<DeploymentRow, 'id'>): Promise<DeploymentRow> {
    const rows = await queryRows<DeploymentRow>(
      this.dataSource,
      `INSERT INTO deployments (site_id, version, commit, description, kind, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SELECT}`,
      [d.siteId, d.version, d.commit, d.description, d.kind, d.at],
    );
    return rows[0];
  }

  list(q: { siteId?: string; from?: Date; to?: Date; limit: number }): Promise<DeploymentRow[]> {
    return queryRows<DeploymentRow>(
      this.dataSource,
      `SELECT ${SELECT} FROM deployments WHERE ($1::uuid IS NULL OR site_id = $1) AND ($2::timestamptz IS NULL OR at >= $2)
       AND ($3::timestamptz IS NULL OR at < $3) ORDER BY at DESC LIMIT $4`,
      [q.siteId ?? null, q.from ?? null, q.to ?? null, q.limit],
    );
  }

  async findById(id: string): Promise<DeploymentRow | null> {
    return (await queryRows<DeploymentRow>(this.dataSource, `SELECT ${SELECT} FROM deployments WHERE id = $1`, [id]))[0] ?? null;
  }
}
