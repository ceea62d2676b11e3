import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { BrowserChoice } from './browser-resolver';

const PACKAGE = '@sparticuz/chromium';

/** The folder of @sparticuz/chromium's compressed binaries and its version, or undefined when it is not installed. */
function bundledPackage(): { binDir: string; version: string; require: NodeJS.Require } | undefined {
  try {
    const entry = require.resolve(PACKAGE); // <package>/build/index.js
    const root = dirname(dirname(entry));
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const binDir = join(root, 'bin');
    return existsSync(join(binDir, 'chromium.br')) ? { binDir, version, require: createRequire(entry) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Unpacks `source` into `target` through a private partial name, then renames it into place, so several processes
 * unpacking at once (test workers, the server and an agent) never see half a file, and a killed unpack leaves no
 * broken binary behind.
 */
async function unpackOnce(target: string, unpack: (partial: string) => Promise<void>): Promise<void> {
  if (existsSync(target)) return;
  const partial = `${target}.${process.pid}.${Date.now()}.partial`;
  try {
    await unpack(partial);
    try {
      renameSync(partial, target);
    } catch (error) {
      // another process won the race with the same content (a folder cannot be renamed over a full one)
      if (!existsSync(target)) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * The Chromium shipped inside @sparticuz/chromium (a Linux x64 headless shell, brotli-compressed in the package),
 * unpacked once per version into the temp folder, with the NSS libraries it ships beside it: a machine without
 * any browser or its libraries can run journeys after `npm install` alone. Its serverless launch flags are not
 * used; the pool passes its own (CHROMIUM_ARGS), so lab vitals stay comparable between browsers.
 */
export async function unpackBundledChromium(): Promise<BrowserChoice | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const pkg = bundledPackage();
  if (!pkg) return undefined;
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `parallax-chromium-${pkg.version}-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const executablePath = join(dir, 'chromium');
  const libDir = join(dir, 'lib');
  await unpackOnce(executablePath, (partial) =>
    pipeline(createReadStream(join(pkg.binDir, 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 })),
  );
  const al2023 = join(pkg.binDir, 'al2023.tar.br');
  if (existsSync(al2023)) {
    const tar = pkg.require('tar-fs') as { extract(dir: string): Writable };
    // the archive holds lib/*.so: extracted into a partial folder whose lib/ is then moved into place
    await unpackOnce(libDir, async (partial) => {
      await pipeline(createReadStream(al2023), createBrotliDecompress(), tar.extract(partial));
      renameSync(join(partial, 'lib'), `${partial}.lib`);
      rmSync(partial, { recursive: true, force: true });
      renameSync(`${partial}.lib`, partial);
    });
  }
  const ldPath = [existsSync(libDir) ? libDir : undefined, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { source: 'bundled', executablePath, env: ldPath ? { LD_LIBRARY_PATH: ldPath } : undefined };
}
