import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { SNIPPET_BUDGETS_GZIP_BYTES, SNIPPET_FILES } from './bundles';
import { importBuildScript } from './snippet.browser.fixture';

describe('snippet size budget (minified, gzip -9)', () => {
  it('keeps the core build within 5,000 B and the attribution build within 7,500 B', async () => {
    const { buildSnippetBundles, SNIPPET_BUILDS } = await importBuildScript();
    const bundles = await buildSnippetBundles({ write: false });
    const gzipBytes = (text: string) => gzipSync(Buffer.from(text), { level: 9 }).length;

    expect(gzipBytes(bundles.core)).toBeLessThanOrEqual(5000);
    expect(gzipBytes(bundles.attribution)).toBeLessThanOrEqual(7500);
    // The attribution build really is the bigger one (it carries web-vitals/attribution).
    expect(bundles.attribution.length).toBeGreaterThan(bundles.core.length);
    // The build script, `npm run size` and the Node side agree on names and budgets.
    expect(SNIPPET_BUILDS.map((b) => [b.key, b.file, b.budgetGzipBytes])).toEqual([
      ['core', SNIPPET_FILES.core, SNIPPET_BUDGETS_GZIP_BYTES.core],
      ['attribution', SNIPPET_FILES.attribution, SNIPPET_BUDGETS_GZIP_BYTES.attribution],
    ]);
  }, 30_000);

  it('contains no zod and no contracts runtime code, and targets ES2017', async () => {
    const { buildSnippetBundles } = await importBuildScript();
    const { core, attribution } = await buildSnippetBundles({ write: false });
    for (const text of [core, attribution]) {
      expect(text).not.toMatch(/ZodError|safeParse/);
      // ES2020+ syntax would have been lowered for the ES2017 target.
      expect(text).not.toMatch(/\?\.[a-zA-Z_$(]|\?\?/);
      expect(text.startsWith('"use strict";(()=>{') || text.startsWith('(()=>{')).toBe(true);
    }
  }, 30_000);
});
