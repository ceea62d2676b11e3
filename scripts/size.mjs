// Builds both snippet bundles and prints their minified and gzip -9 sizes; exits 1 when one is over budget.
// Usage: node scripts/size.mjs   (npm run size)
import { gzipSync } from 'node:zlib';
import { buildSnippetBundles, SNIPPET_BUILDS } from './build-snippet.mjs';

const bundles = await buildSnippetBundles();
const rows = SNIPPET_BUILDS.map((build) => {
  const bytes = Buffer.from(bundles[build.key]);
  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  return { file: build.file, minBytes: bytes.length, gzipBytes, budgetGzipBytes: build.budgetGzipBytes, ok: gzipBytes <= build.budgetGzipBytes };
});

const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(26) : String(c).padStart(12))).join('');
console.log(line(['bundle', 'min B', 'gzip -9 B', 'budget B', 'status']));
for (const r of rows) console.log(line([r.file, r.minBytes, r.gzipBytes, r.budgetGzipBytes, r.ok ? 'ok' : 'OVER']));

const over = rows.filter((r) => !r.ok);
if (over.length) {
  console.error(`over budget: ${over.map((r) => `${r.file} by ${r.gzipBytes - r.budgetGzipBytes} B`).join(', ')}`);
  process.exit(1);
}
