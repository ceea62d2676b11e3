export * from './user-agent';
export * from './route-templater';
export * from './url-redaction';
export * from './session';
export * from './region';
export * from './connection';
export { LruCache } from './lru';
export { scrubIpAddresses, IP_PLACEHOLDER } from './ip-scrub';
