import { DataSource } from 'typeorm';
import { AppConfig } from './config';

/** What the bootstrap resolved before Nest starts: config, an initialised DataSource and the admin token. */
export interface ServerRuntime {
  config: AppConfig;
  dataSource: DataSource;
  adminToken: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
