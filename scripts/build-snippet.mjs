// Builds the browser snippet with esbuild: dist/snippet/parallax.js (core) and
// dist/snippet/parallax.attribution.js (opt-in attribution build), minified ES2017 IIFEs.
// Usage: node scripts/build-snippet.mjs   (npm run build:snippet)
import * as esbuild from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const browserDir = join(repoRoot, 'libs/snippet/src/browser');

/** Output file names and gzip -9 budgets in bytes, per build. */
export const SNIPPET_BUILDS = [
  { key: 'core', file: 'parallax.js', entry: join(browserDir, 'core.ts'), budgetGzipBytes: 5000 },
  { key: 'attribution', file: 'parallax.attribution.js', entry: join(browserDir, 'attribution.ts'), budgetGzipBytes: 7500 },
];

/** Default output folder: dist/snippet under the repository root. */
export const DEFAULT_SNIPPET_DIST = join(repoRoot, 'dist/snippet');

/**
 * Builds both bundles; writes them to `outDir` unless `write` is false.
 * @returns {Promise<{ core: string; attribution: string; outDir: string }>}
 */
export async function buildSnippetBundles({ outDir = DEFAULT_SNIPPET_DIST, write = true } = {}) {
  const texts = {};
  for (const build of SNIPPET_BUILDS) {
    const result = await esbuild.build({
      entryPoints: [build.entry],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2017',
      platform: 'browser',
      // Browser code imports types only from other libs, so no paths are needed; not strict, so esbuild adds
      // no "use strict" (13 bytes) to the IIFE.
      tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
      // Internal property names end in `_` (see snippet.ts). The attribution build bundles web-vitals from its
      // ES modules, whose private properties start with `_`: web-vitals' own dist build mangles those too.
      mangleProps: /^_[a-z]|[a-z]_$/i,
      legalComments: 'none',
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    });
    texts[build.key] = result.outputFiles[0].text;
  }
  if (write) {
    await mkdir(outDir, { recursive: true });
    for (const build of SNIPPET_BUILDS) await writeFile(join(outDir, build.file), texts[build.key]);
  }
  return { core: texts.core, attribution: texts.attribution, outDir };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { outDir } = await buildSnippetBundles();
  for (const build of SNIPPET_BUILDS) console.log(`built ${join(outDir, build.file)}`);
}
