export * from './beacon';
export * from './agent';
export * from './rum-query';
export * from './detection';
export * from './incidents';
export * from './views';
export * from './live';
export * from './ingest-status';
