import { DataSource } from 'typeorm';
import { AppConfig } from './config';

/** What the bootstrap resolved before Nest starts: config, an initialised DataSource and the admin token. */
export interface ServerRuntime {
  config: AppConfig;
  dataSource: DataSource;
  adminToken: string;
  /** Key webhook secrets are derived from. */
  secretKey: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
export const SECRET_KEY = Symbol('SECRET_KEY');
