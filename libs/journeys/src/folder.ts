import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Journey } from './schema';
import { parseJourney, type JourneyError } from './parse';

/** Outcome for one file of a journey folder; `journey` and `contentHash` are set when it is valid. */
export interface JourneyFileResult {
  file: string;
  ok: boolean;
  errors: JourneyError[];
  journey?: Journey;
  contentHash?: string;
}

const JOURNEY_FILE = /\.ya?ml$/i;

/** Every .yaml/.yml file under `dir` (recursively; dot-folders and node_modules skipped), sorted. */
export async function listJourneyFiles(dir: string): Promise<string[]> {
  // A single file may be given instead of a folder.
  if ((await stat(dir)).isFile()) return [dir];
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name.startsWith('.') || e.name === 'node_modules' ? [] : listJourneyFiles(path);
      return e.isFile() && JOURNEY_FILE.test(e.name) ? [path] : [];
    }),
  );
  return nested.flat().sort();
}

/** Parses and validates every journey file of a folder; a name used by two files is an error in the later one. */
export async function validateJourneyFolder(dir: string): Promise<JourneyFileResult[]> {
  const files = await listJourneyFiles(dir);
  const sources = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  const results: JourneyFileResult[] = files.map((file, i) => {
    const parsed = parseJourney(sources[i], file);
    return parsed.ok
      ? { file, ok: true, errors: [], journey: parsed.journey, contentHash: parsed.contentHash }
      : { file, ok: false, errors: parsed.errors };
  });
  const owner = new Map<string, string>();
  results.forEach((r, i) => {
    if (!r.journey) return;
    const first = owner.get(r.journey.name);
    if (first === undefined) {
      owner.set(r.journey.name, r.file);
      return;
    }
    const { line, col } = namePosition(sources[i]);
    r.ok = false;
    r.errors = [{ file: r.file, line, col, schemaPath: 'name', message: `journey name "${r.journey.name}" is already used by ${first}` }];
    delete r.journey;
    delete r.contentHash;
  });
  return results;
}

/** Position of the top-level `name` value (only called for files that already parsed). */
function namePosition(source: string): { line: number; col: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  const contents = doc.contents;
  const pair = isMap(contents) ? contents.items.find((p) => isScalar(p.key) && p.key.value === 'name') : undefined;
  const node = (pair?.value ?? pair?.key) as { range?: [number, number, number] } | undefined;
  return lineCounter.linePos(node?.range?.[0] ?? 0);
}
