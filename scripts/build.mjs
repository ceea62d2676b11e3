#!/usr/bin/env node
// Builds everything `npm start` and the tests need: server and agent (nest build, tsc) and the browser snippet.
// --quiet prints only errors (used by `npm test`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
const say = (m) => quiet || console.log(m);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
const started = Date.now();
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
say(`[build] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
