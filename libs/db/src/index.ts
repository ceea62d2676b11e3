export * from './data-source';
export * from './embedded';
export * from './entities';
export { migrations, TRAFFIC_TABLES, CONFIG_TABLES } from './migrations';
