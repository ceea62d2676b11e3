import { CONTRACTS_VERSION } from '@parallax/contracts';
console.log('hello', CONTRACTS_VERSION);
