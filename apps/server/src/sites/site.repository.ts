import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { SiteEntity } from '@parallax/db';

export type NewSite = Pick<SiteEntity, 'name' | 'siteKey'> &
  Partial<Pick<SiteEntity, 'allowedOrigins' | 'samplingRate' | 'retentionDays' | 'allowedQueryParams' | 'routeRules' | 'detectConfig'>>;

/** All SQL about sites. */
@Injectable()
export class SiteRepository {
  private readonly repo: Repository<SiteEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(SiteEntity);
  }

  create(site: NewSite): Promise<SiteEntity> {
    return this.repo.save(this.repo.create(site));
  }

  list(): Promise<SiteEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<SiteEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByKey(siteKey: string): Promise<SiteEntity | null> {
    return this.repo.findOneBy({ siteKey });
  }

  async update(id: string, changes: Partial<NewSite>): Promise<SiteEntity | null> {
    const site = await this.findById(id);
    if (!site) return null;
    return this.repo.save(this.repo.merge(site, changes));
  }

  /** Deletes the site; tables holding its data reference it with ON DELETE CASCADE or are purged by their owners. */
  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
