// Builds both snippet bundles and the dashboard, prints their minified and gzip -9 sizes; exits 1 when one is over budget.
// Usage: node scripts/size.mjs   (npm run size)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { buildSnippetBundles, SNIPPET_BUILDS } from './build-snippet.mjs';

const bundles = await buildSnippetBundles();
const rows = SNIPPET_BUILDS.map((build) => {
  const bytes = Buffer.from(bundles[build.key]);
  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  return { file: build.file, minBytes: bytes.length, gzipBytes, budgetGzipBytes: build.budgetGzipBytes, ok: gzipBytes <= build.budgetGzipBytes };
});

// The dashboard: all of its JavaScript is one bundle (Preact, uPlot, socket.io-client and the screens).
execFileSync(process.execPath, ['apps/dashboard/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
{
  const bytes = readFileSync('dist/dashboard/app.js');
  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  const budgetGzipBytes = 150 * 1024;
  rows.push({ file: 'dashboard/app.js', minBytes: bytes.length, gzipBytes, budgetGzipBytes, ok: gzipBytes <= budgetGzipBytes });
}

const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(26) : String(c).padStart(12))).join('');
console.log(line(['bundle', 'min B', 'gzip -9 B', 'budget B', 'status']));
for (const r of rows) console.log(line([r.file, r.minBytes, r.gzipBytes, r.budgetGzipBytes, r.ok ? 'ok' : 'OVER']));

const over = rows.filter((r) => !r.ok);
if (over.length) {
  console.error(`over budget: ${over.map((r) => `${r.file} by ${r.gzipBytes - r.budgetGzipBytes} B`).join(', ')}`);
  process.exit(1);
}
