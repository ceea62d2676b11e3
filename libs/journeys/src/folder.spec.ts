import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJourneysCli } from './cli';
import { validateJourneyFolder } from './folder';
import { journeyJsonSchema, writeJourneySchema } from './json-schema';

const REPO = join(__dirname, '../../..');
const JOURNEYS_DIR = join(REPO, 'journeys');
// Users add their own files to journeys/ (the README says so): tests read only the examples, copied to a folder of their own.
const EXAMPLES = ['checkout.yaml', 'home.yaml'];
let dir: string;
let examplesDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parallax-journeys-'));
  examplesDir = join(dir, 'examples');
  await mkdir(examplesDir);
  for (const file of EXAMPLES) await writeFile(join(examplesDir, file), await readFile(join(JOURNEYS_DIR, file)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function folderWith(name: string, files: Record<string, string>): Promise<string> {
  const target = join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(target, file, '..'), { recursive: true });
    await writeFile(join(target, file), text);
  }
  return target;
}

const ok = (name: string) => `name: ${name}\nschedule: { every: 5m }\nsteps:\n  - goto: /\n`;

describe('validateJourneyFolder', () => {
  it('accepts the example journeys', async () => {
    const results = await validateJourneyFolder(examplesDir);
    expect(results.map((r) => [r.file.slice(examplesDir.length + 1), r.ok])).toEqual([
      ['checkout.yaml', true],
      ['home.yaml', true],
    ]);
    expect(results[0].journey?.name).toBe('checkout');
    expect(results[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('walks sub-folders, skips other files, and reports errors per file', async () => {
    const target = await folderWith('mixed', {
      'a.yaml': ok('a'),
      'nested/b.yml': 'name: b\nschedule: { every: 5m }\nsteps:\n  - click: { selector: 1 }\n',
      'notes.md': '# not a journey',
      '.hidden/c.yaml': 'broken: [',
    });
    const results = await validateJourneyFolder(target);
    expect(results.map((r) => [r.file.slice(target.length + 1), r.ok])).toEqual([
      ['a.yaml', true],
      ['nested/b.yml', false],
    ]);
    expect(results[1].errors).toEqual([
      { file: join(target, 'nested/b.yml'), line: 4, col: 24, schemaPath: 'steps[0].click.selector', message: 'expected string, received number' },
    ]);
  });

  it('rejects a journey name used by two files, in the later file', async () => {
    const target = await folderWith('dupes', { 'a.yaml': ok('same'), 'b.yaml': `# comment\n${ok('same')}` });
    const [a, b] = await validateJourneyFolder(target);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, errors: [{ line: 2, col: 7, schemaPath: 'name', message: `journey name "same" is already used by ${join(target, 'a.yaml')}` }] });
  });

  // How fast is measured by `npm run bench:journeys`, not asserted here.
  it('validates a folder of 100 files, each on its own', async () => {
    const checkout = await readFile(join(JOURNEYS_DIR, 'checkout.yaml'), 'utf8');
    const files: Record<string, string> = {};
    for (let i = 0; i < 100; i++) files[`j${String(i).padStart(3, '0')}.yaml`] = checkout.replace('name: checkout', `name: checkout-${i}`);
    const target = await folderWith('hundred', files);
    const results = await validateJourneyFolder(target);
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(new Set(results.map((r) => r.journey?.name)).size).toBe(100);
  });
});

describe('journeys CLI', () => {
  it('prints file:line:col  schemaPath  message and exits 1 on errors', async () => {
    const target = await folderWith('cli-bad', { 'x.yaml': 'name: x\nschedule: { cron: "99 * * * *" }\nsteps:\n  - goto: /\n' });
    const out: string[] = [];
    const code = await runJourneysCli(['journeys', 'validate', target], { out: (l) => out.push(l), err: () => undefined });
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(new RegExp(`^${join(target, 'x.yaml')}:2:19  schedule\\.cron  invalid cron pattern: `));
  });

  it('exits 0 for a valid folder and 2 for bad usage', async () => {
    const io = { out: () => undefined, err: () => undefined };
    expect(await runJourneysCli(['validate', examplesDir], io)).toBe(0);
    expect(await runJourneysCli(['frobnicate'], io)).toBe(2);
  });

  it('runs as a process with the exit code', async () => {
    const cli = join(__dirname, 'cli.ts');
    const target = await folderWith('cli-proc', { 'y.yaml': 'name: y\nsteps: 3\n' });
    const run = promisify(execFile);
    await expect(run(process.execPath, ['--import', 'tsx', cli, 'journeys', 'validate', examplesDir], { cwd: REPO })).resolves.toBeTruthy();
    const failed = await run(process.execPath, ['--import', 'tsx', cli, 'journeys', 'validate', target], { cwd: REPO }).catch((e: { code: number; stdout: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stdout: string }).stdout).toContain('y.yaml:1:1  (root)  missing required key "schedule"');
  }, 20_000);
});

describe('journey JSON Schema', () => {
  it('is written to journeys/journey.schema.json and that file is up to date', async () => {
    const out = join(dir, 'schema/journey.schema.json');
    await writeJourneySchema(out);
    const written = await readFile(out, 'utf8');
    expect(JSON.parse(written)).toEqual(journeyJsonSchema());
    expect(await readFile(join(JOURNEYS_DIR, 'journey.schema.json'), 'utf8')).toBe(written);
  });

  it('agrees with the validator on the examples and on a bad step (checked with ajv)', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const validate = ajv.compile(journeyJsonSchema());
    for (const file of EXAMPLES) {
      expect(validate(parse(await readFile(join(JOURNEYS_DIR, file), 'utf8'))), file).toBe(true);
    }
    expect(validate({ name: 'x', schedule: { every: '5m' }, steps: [{ click: '#a', fill: 'x' }] })).toBe(false);
    expect(validate({ name: 'x', schedule: { every: '5 min' }, steps: [{ goto: '/' }] })).toBe(false);
    expect(validate({ name: 'x', schedule: { every: '5m' }, device: 'ipad', steps: [{ goto: '/' }] })).toBe(false);
  });

  it('describes fields for editor hovers and lists every step action', () => {
    const schema = journeyJsonSchema() as { properties: Record<string, { description?: string; items?: { anyOf: { title: string }[] } }> };
    expect(schema.properties.timeoutMs.description).toBe('Time the whole run may take');
    expect(schema.properties.steps.items?.anyOf.map((s) => s.title)).toEqual([
      'goto', 'click', 'fill', 'press', 'select', 'hover', 'scroll', 'waitFor', 'expect', 'mark', 'screenshot',
    ]);
  });
});
