// Builds the dashboard: bundles src/main.ts (with socket.io-client) into dist/dashboard/app.js, minified, and
// copies index.html and style.css beside it. The server serves that folder at /.
// Usage: node apps/dashboard/build.mjs   (the root build runs it)
import * as esbuild from 'esbuild';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(appDir, '../..');
const outDir = join(repoRoot, 'dist/dashboard');
/** Bundle budget, minified bytes (socket.io-client is most of it). */
const BUDGET_BYTES = 80 * 1024;

await mkdir(outDir, { recursive: true });
await esbuild.build({
  entryPoints: [join(appDir, 'src/main.ts')],
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
for (const file of ['index.html', 'style.css']) await copyFile(join(appDir, 'src', file), join(outDir, file));

let total = 0;
for (const file of ['app.js', 'style.css', 'index.html']) {
  const path = join(outDir, file);
  const { size } = await stat(path);
  total += size;
  const gzip = gzipSync(readFileSync(path), { level: 9 }).length;
  console.log(`  dist/dashboard/${file.padEnd(10)} ${(size / 1024).toFixed(1).padStart(6)} KB  (${(gzip / 1024).toFixed(1)} KB gzip)`);
}
const appBytes = (await stat(join(outDir, 'app.js'))).size;
if (appBytes > BUDGET_BYTES) {
  console.error(`dashboard bundle is ${appBytes} bytes, over the ${BUDGET_BYTES}-byte budget`);
  process.exit(1);
}
