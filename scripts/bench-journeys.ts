/**
 * bench:journeys: how long validating a folder of journey files takes, in-process and through the
 * CLI (`npm run parallax -- journeys validate`). Prints a table (median of 5 runs per size) and
 * ends with one JSON line.
 *
 *   npm run bench:journeys
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateJourneyFolder } from '../libs/journeys/src/folder';

const RUNS = 5;
const SIZES = [10, 100, 500];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const repo = path.join(__dirname, '..');
  const checkout = readFileSync(path.join(repo, 'journeys', 'checkout.yaml'), 'utf8');
  const root = mkdtempSync(path.join(os.tmpdir(), 'parallax-bench-journeys-'));
  const rows: { files: number; inProcessMs: number; cpuMs: number; cliMs: number }[] = [];
  try {
    for (const size of SIZES) {
      const dir = path.join(root, String(size));
      execFileSync('mkdir', ['-p', dir]);
      for (let i = 0; i < size; i++) writeFileSync(path.join(dir, `j${i}.yaml`), checkout.replace('name: checkout', `name: checkout-${i}`));
      const wall: number[] = [];
      const cpu: number[] = [];
      const cli: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        const c = process.cpuUsage();
        const results = await validateJourneyFolder(dir);
        const used = process.cpuUsage(c);
        wall.push(performance.now() - t);
        cpu.push((used.user + used.system) / 1000);
        if (results.filter((x) => x.ok).length !== size) throw new Error(`expected ${size} valid journeys`);
        const t2 = performance.now();
        execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(repo, 'libs/journeys/src/cli.ts'), 'journeys', 'validate', dir], { stdio: 'ignore' });
        cli.push(performance.now() - t2);
      }
      rows.push({ files: size, inProcessMs: median(wall), cpuMs: median(cpu), cliMs: median(cli) });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; median of ${RUNS} runs; journey ${checkout.length} B`);
  console.log('files  in-process ms  CPU ms  CLI (whole process) ms');
  for (const r of rows) console.log(`${String(r.files).padStart(5)}  ${r.inProcessMs.toFixed(1).padStart(13)}  ${r.cpuMs.toFixed(1).padStart(6)}  ${r.cliMs.toFixed(0).padStart(22)}`);
  console.log(JSON.stringify(Object.fromEntries(rows.map((r) => [r.files, { inProcessMs: Math.round(r.inProcessMs), cliMs: Math.round(r.cliMs) }]))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
