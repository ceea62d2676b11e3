import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SiteEntity } from '@parallax/db';
import { DomainError } from '../common/domain-error';
import { detectConfigProblem } from '@parallax/detect';
import { CreateSiteDto, SiteView, UpdateSiteDto } from './dto/site.dto';
import { SiteRepository } from './site.repository';


/** A new public site key: `pk_` and 20 random url-safe characters. */
export function generateSiteKey(): string {
  return `pk_${randomBytes(15).toString('base64url')}`;
}

/** Rejects detection settings libs/detect would not accept, naming the field. */
export function checkDetectConfig(input: Record<string, unknown> | undefined): void {
  if (!input) return;
  const problem = detectConfigProblem(input);
  if (problem) throw new DomainError('validation_failed', `detectConfig.${problem}`, { field: `detectConfig.${problem.split(':')[0]}` });
}

/** The API view of a site. */
export function toSiteView(site: SiteEntity): SiteView {
  return {
    id: site.id,
    name: site.name,
    siteKey: site.siteKey,
    allowedOrigins: site.allowedOrigins,
    samplingRate: site.samplingRate,
    retentionDays: site.retentionDays,
    allowedQueryParams: site.allowedQueryParams,
    routeRules: site.routeRules,
    detectConfig: site.detectConfig,
    createdAt: site.createdAt.toISOString(),
    updatedAt: site.updatedAt.toISOString(),
  };
}

@Injectable()
export class SitesService {
  constructor(private readonly sites: SiteRepository) {}

  async create(input: CreateSiteDto): Promise<SiteView> {
    checkDetectConfig(input.detectConfig);
    return toSiteView(await this.sites.create({ ...input, siteKey: generateSiteKey() }));
  }

  async list(): Promise<SiteView[]> {
    return (await this.sites.list()).map(toSiteView);
  }

  async get(id: string): Promise<SiteView> {
    return toSiteView(await this.require(id));
  }

  async update(id: string, changes: UpdateSiteDto): Promise<SiteView> {
    checkDetectConfig(changes.detectConfig);
    const site = await this.sites.update(id, changes);
    if (!site) throw this.notFound(id);
    return toSiteView(site);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.sites.delete(id))) throw this.notFound(id);
  }

  /** The site entity, or a site_not_found error. */
  async require(id: string): Promise<SiteEntity> {
    const site = await this.sites.findById(id);
    if (!site) throw this.notFound(id);
    return site;
  }

  private notFound(id: string): DomainError {
    return new DomainError('site_not_found', `No site with id ${id}`);
  }
}
