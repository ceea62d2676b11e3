export * from './beacon';
export * from './agent';
export * from './rum-query';
export * from './detection';
export * from './views';
export * from './segments';
