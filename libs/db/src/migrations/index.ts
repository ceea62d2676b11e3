import { Init1764000000000 } from './1764000000000-init';
import { Rum1764000100000 } from './1764000100000-rum';
import { Synthetic1764000200000 } from './1764000200000-synthetic';

/** Every migration, in order. New migrations are added here. */
export const migrations = [Init1764000000000, Rum1764000100000, Synthetic1764000200000];
