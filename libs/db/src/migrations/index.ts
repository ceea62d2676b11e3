import { Init1764000000000 } from './1764000000000-init';

/** Every migration, in order. New migrations are added here. */
export const migrations = [Init1764000000000];
