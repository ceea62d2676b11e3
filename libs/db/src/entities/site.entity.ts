import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A route rule a site owner adds on top of the automatic id collapsing. */
export interface RouteRule {
  pattern: string;
  template: string;
}

/** A monitored website: its public key, who may send beacons, and how its data is kept. */
@Entity({ name: 'sites' })
export class SiteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Public key embedded in the snippet; identifies the site on ingestion, grants nothing else. */
  @Column({ name: 'site_key', type: 'text', unique: true })
  siteKey: string;

  @Column({ name: 'allowed_origins', type: 'text', array: true, default: () => "'{}'" })
  allowedOrigins: string[];

  /** Share of page views the snippet reports, 0..1. */
  @Column({ name: 'sampling_rate', type: 'double precision', default: 1 })
  samplingRate: number;

  @Column({ name: 'retention_days', type: 'integer', default: 30 })
  retentionDays: number;

  @Column({ name: 'allowed_query_params', type: 'text', array: true, default: () => "'{}'" })
  allowedQueryParams: string[];

  @Column({ name: 'route_rules', type: 'jsonb', default: () => "'[]'" })
  routeRules: RouteRule[];

  /** Detection settings over the defaults: { tickSeconds?, rum?, synthetic?, correlation? } (libs/detect). */
  @Column({ name: 'detect_config', type: 'jsonb', default: () => "'{}'" })
  detectConfig: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
