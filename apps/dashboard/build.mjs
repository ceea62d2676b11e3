// Builds the dashboard: bundles src/main.tsx (Preact, uPlot, socket.io-client) into dist/dashboard/app.js, minified,
// and writes index.html and style.css (uPlot's stylesheet first) beside it. The server serves that folder at /.
// Usage: node apps/dashboard/build.mjs   (the root build runs it)
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(appDir, '../..');
const outDir = join(repoRoot, 'dist/dashboard');
/** Budget of the whole dashboard's JavaScript, gzip bytes (issue 13: at most 150 KB). */
export const DASHBOARD_BUDGET_GZIP_BYTES = 150 * 1024;

await mkdir(outDir, { recursive: true });
await esbuild.build({
  entryPoints: [join(appDir, 'src/main.tsx')],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(outDir, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  platform: 'browser',
  tsconfig: join(appDir, 'tsconfig.json'),
  legalComments: 'none',
  charset: 'utf8',
  sourcemap: false,
  logLevel: 'warning',
});
await copyFile(join(appDir, 'src/index.html'), join(outDir, 'index.html'));
const uplotCss = await readFile(join(repoRoot, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8');
await writeFile(join(outDir, 'style.css'), `${uplotCss}\n${await readFile(join(appDir, 'src/style.css'), 'utf8')}`);

let total = 0;
for (const file of ['app.js', 'style.css', 'index.html']) {
  const path = join(outDir, file);
  const { size } = await stat(path);
  total += size;
  const gzip = gzipSync(readFileSync(path), { level: 9 }).length;
  console.log(`  dist/dashboard/${file.padEnd(10)} ${(size / 1024).toFixed(1).padStart(6)} KB  (${(gzip / 1024).toFixed(1)} KB gzip)`);
}
const appGzip = gzipSync(readFileSync(join(outDir, 'app.js')), { level: 9 }).length;
if (appGzip > DASHBOARD_BUDGET_GZIP_BYTES) {
  console.error(`dashboard bundle is ${appGzip} gzip bytes, over the ${DASHBOARD_BUDGET_GZIP_BYTES}-byte budget`);
  process.exit(1);
}
