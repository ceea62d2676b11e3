// What decides whether `npm run build` (and so `npm start` and `npm test`) has to build again.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders and files whose change makes dist/ stale. */
export const BUILD_INPUTS = [
  'apps',
  'libs',
  'scripts',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'tsconfig.json',
  'nest-cli.json',
];

/**
 * A fingerprint of every build input under `root`: path, size and modification time of each file (specs and dot
 * files excepted), and the Node version. Content hashing would cost more than the check saves; an edit, a
 * `git pull` or an `npm install` rewrites the files it touches and so changes their times.
 */
export function inputsFingerprint(root, inputs = BUILD_INPUTS) {
  const hash = createHash('sha256');
  hash.update(process.version);
  const visit = (rel) => {
    let st;
    try {
      st = statSync(join(root, rel));
    } catch {
      hash.update(`${rel}\0missing\n`);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(join(root, rel)).sort()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(join(rel, name));
      }
    } else if (!/\.spec\.[cm]?[jt]sx?$/.test(rel)) {
      hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const entry of inputs) visit(entry);
  return hash.digest('hex');
}
