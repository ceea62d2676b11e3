export * from './beacon';
export * from './agent';
export * from './rum-query';
