export * from './data-source';
export * from './embedded';
export * from './entities';
export { migrations } from './migrations';
