import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { inputsFingerprint } from './build-stamp.mjs';

const fingerprint = inputsFingerprint as (root: string, inputs?: string[]) => string;
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'parallax-build-stamp-'));
  roots.push(root);
  mkdirSync(join(root, 'apps/server'), { recursive: true });
  writeFileSync(join(root, 'apps/server/main.ts'), 'export {};\n');
  writeFileSync(join(root, 'package.json'), '{}\n');
  return root;
}

describe('inputsFingerprint (whether npm start must build again)', () => {
  it('stays the same when nothing changed', () => {
    const root = project();
    expect(fingerprint(root)).toBe(fingerprint(root));
  });

  it('changes after an edit, a new file, a deleted file or a pulled file with another time', () => {
    const root = project();
    const before = fingerprint(root);
    writeFileSync(join(root, 'apps/server/main.ts'), 'export const x = 1;\n');
    const edited = fingerprint(root);
    expect(edited).not.toBe(before);
    writeFileSync(join(root, 'apps/server/new.ts'), 'export {};\n');
    const added = fingerprint(root);
    expect(added).not.toBe(edited);
    rmSync(join(root, 'apps/server/new.ts'));
    expect(fingerprint(root)).toBe(edited);
    // same size, another modification time: what a `git pull` or checkout leaves
    utimesSync(join(root, 'package.json'), new Date(), new Date(Date.now() - 60_000));
    expect(fingerprint(root)).not.toBe(edited);
  });

  it('ignores specs, so editing a test does not rebuild the server', () => {
    const root = project();
    const before = fingerprint(root);
    writeFileSync(join(root, 'apps/server/main.spec.ts'), 'it("x", () => {});\n');
    expect(fingerprint(root)).toBe(before);
  });
});
