import { Injectable } from '@nestjs/common';
import type { IncidentView } from '@parallax/contracts';
import { DomainError } from '../common/domain-error';
import { DomainEvents } from '../live/domain-events';
import { DeploymentRepository } from '../deployments/deployment.repository';
import { IncidentRepository, type IncidentRow } from './incident.repository';

/** The API, live-feed and webhook view of incidents, and the user's actions on them. */
@Injectable()
export class IncidentViewsService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly deployments: DeploymentRepository,
    private readonly events: DomainEvents,
  ) {}

  async view(row: IncidentRow): Promise<IncidentView> {
    const deployment = row.suspectedDeploymentId ? await this.deployments.findById(row.suspectedDeploymentId) : null;
    return {
      id: row.id,
      siteId: row.siteId,
      route: row.route,
      metric: row.metric,
      label: row.label,
      status: row.status,
      summary: row.summary,
      onsetAt: row.onsetAt.toISOString(),
      openedAt: row.openedAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      evidence: row.evidence,
      segments: row.segments,
      locations: row.locations,
      suspectedDeployment: deployment
        ? { id: deployment.id, version: deployment.version, commit: deployment.commit, kind: deployment.kind, at: deployment.at.toISOString() }
        : null,
    };
  }

  async get(id: string): Promise<IncidentView> {
    const row = await this.incidents.findById(id);
    if (!row) throw new DomainError('not_found', `No incident with id ${id}`);
    return this.view(row);
  }

  async acknowledge(id: string): Promise<IncidentView> {
    const current = await this.get(id);
    if (current.status !== 'open') throw new DomainError('conflict', `The incident is ${current.status}; only open incidents can be acknowledged`);
    const row = await this.incidents.acknowledge(id);
    if (!row) throw new DomainError('conflict', 'The incident changed meanwhile; reload it');
    const view = await this.view(row);
    this.events.emit('incident.updated', view);
    return view;
  }
}
