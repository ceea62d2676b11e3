#!/usr/bin/env node
// Builds everything `npm start` and the tests need: server and agent (nest build, tsc) and the browser snippet.
// Skipped when the output is current: a stamp in dist/ records the size and modification time of every input
// (sources, build scripts, package and TypeScript settings); an edit, a `git pull` or an `npm install` changes it.
// --quiet prints only errors (used by `npm test`); --force builds even when current.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { inputsFingerprint } from './build-stamp.mjs';

const quiet = process.argv.includes('--quiet');
const force = process.argv.includes('--force');
const say = (m) => quiet || console.log(m);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
const started = Date.now();

const STAMP = 'dist/.build-stamp';
// what start and the tests load; a missing one means a build, whatever the stamp says
const OUTPUTS = ['dist/apps/server/apps/server/src/main.js', 'dist/apps/agent/apps/agent/src/main.js'];

const fingerprint = inputsFingerprint('.');
const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
if (!force && stamp === fingerprint && OUTPUTS.every((f) => existsSync(f))) {
  say(`[build] skipped: dist/ is current (${Date.now() - started} ms to check; npm run build -- --force rebuilds)`);
  process.exit(0);
}

const nest = 'node_modules/.bin/nest';
say('[build] server');
run(nest, ['build', 'server']);
say('[build] agent');
run(nest, ['build', 'agent']);
if (existsSync('scripts/build-snippet.mjs')) {
  say('[build] snippet');
  run(process.execPath, ['scripts/build-snippet.mjs']);
}
if (existsSync('apps/dashboard/build.mjs')) {
  say('[build] dashboard');
  run(process.execPath, ['apps/dashboard/build.mjs']);
}
mkdirSync('dist', { recursive: true });
// the fingerprint from before the build: an edit made while building is seen next time
writeFileSync(STAMP, fingerprint + '\n');
say(`[build] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
