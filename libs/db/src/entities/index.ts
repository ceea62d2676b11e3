import { SiteEntity } from './site.entity';

export * from './site.entity';

/** Every entity the DataSource knows. */
export const entities = [SiteEntity];
