import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { SnippetConfig } from './config';

/** File names of the two builds inside the snippet dist folder. */
export const SNIPPET_FILES = { core: 'parallax.js', attribution: 'parallax.attribution.js' } as const;

/** Size budgets, gzip -9 bytes of the minified bundles (checked by `npm run size` and a test). */
export const SNIPPET_BUDGETS_GZIP_BYTES = { core: 5000, attribution: 7500 } as const;

export interface SnippetBundles {
  core: string;
  attribution: string;
  /** First 16 hex chars of the SHA-256 of the bundle text: for versioned, long-cached URLs and ETags. */
  coreHash: string;
  attributionHash: string;
}

/** Short content hash used in versioned snippet URLs. */
export function bundleHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

// dist/snippet of the repository: looked up from the working directory and from this file's folder upwards,
// so it is found both from the sources (tests, tsx) and from the compiled server under dist/apps/...
function findDistDir(): string {
  const starts = [process.cwd(), typeof __dirname == 'string' ? __dirname : process.cwd()];
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'dist', 'snippet');
      if (existsSync(join(candidate, SNIPPET_FILES.core))) return candidate;
      if (dirname(dir) == dir) break;
    }
  }
  return resolve(process.cwd(), 'dist', 'snippet');
}

/** Reads both built bundles (default: the repository's dist/snippet); throws if they were not built. */
export function loadSnippetBundles(distDir?: string): SnippetBundles {
  const dir = distDir ?? findDistDir();
  const read = (file: string) => {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`snippet bundle ${path} is missing: run npm run build (or npm run build:snippet) first`);
    return readFileSync(path, 'utf8');
  };
  const core = read(SNIPPET_FILES.core);
  const attribution = read(SNIPPET_FILES.attribution);
  return { core, attribution, coreHash: bundleHash(core), attributionHash: bundleHash(attribution) };
}

/**
 * The per-site script the server serves: the config assignment the bundle reads, then the bundle.
 * JSON.stringify output is a valid JS expression, and `<` is escaped so the text is also safe inline.
 */
export function renderSiteScript(bundle: string, config: SnippetConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `window.__pxc=${json};${bundle}`;
}

export interface LoaderTagOptions {
  /** Versioned URL of the per-site script. */
  scriptUrl: string;
  /** Release tag of the page, sent with every beacon (data-release). */
  release?: string;
  /** Send nothing until the page calls parallax('consent', true) (data-consent="required"). */
  consentRequired?: boolean;
  /** Set false to stop forwarding metrics to the page's gtag (data-ga4="off"). */
  ga4?: boolean;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The copy-paste HTML for a site: the command-queue stub, then the async script tag. */
export function buildLoaderTag(opts: LoaderTagOptions): string {
  const attributes = [`async src="${escapeAttribute(opts.scriptUrl)}"`];
  if (opts.release) attributes.push(`data-release="${escapeAttribute(opts.release)}"`);
  if (opts.consentRequired) attributes.push('data-consent="required"');
  if (opts.ga4 === false) attributes.push('data-ga4="off"');
  return (
    '<script>window.parallax=window.parallax||function(){(parallax.q=parallax.q||[]).push(arguments)};</script>\n' +
    `<script ${attributes.join(' ')}></script>`
  );
}
