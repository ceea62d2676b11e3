export * from './beacon';
export * from './agent';
