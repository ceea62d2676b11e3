export * from './bundles';
export type { SnippetConfig } from './config';
