import { resolve } from 'node:path';
import { validateJourneyFolder } from './folder';
import { writeJourneySchema } from './json-schema';

const USAGE = `usage:
  parallax journeys validate <dir>     validate every .yaml/.yml journey under <dir>
  parallax journeys schema <file>      write the journey JSON Schema to <file>`;

interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the journeys CLI on argv (with or without the leading "journeys"); resolves to the exit code. */
export async function runJourneysCli(argv: string[], io: CliIo = { out: console.log, err: console.error }): Promise<number> {
  const args = argv[0] === 'journeys' ? argv.slice(1) : argv;
  const [command, target] = args;
  if (command === 'validate' && target) {
    const startedMs = performance.now();
    const results = await validateJourneyFolder(target);
    let errorCount = 0;
    for (const r of results) {
      for (const e of r.errors) {
        errorCount++;
        io.out(`${e.file}:${e.line}:${e.col}  ${e.schemaPath || '(yaml)'}  ${e.message}`);
      }
    }
    if (results.length === 0) io.err(`no .yaml/.yml journey files under ${target}`);
    const bad = results.filter((r) => !r.ok).length;
    const elapsedMs = Math.round(performance.now() - startedMs);
    io.err(`${results.length} journey file(s), ${bad} invalid, ${errorCount} error(s) in ${elapsedMs} ms`);
    return bad > 0 || results.length === 0 ? 1 : 0;
  }
  if (command === 'schema' && target) {
    await writeJourneySchema(resolve(target));
    io.err(`wrote ${target}`);
    return 0;
  }
  io.err(USAGE);
  return 2;
}

if (require.main === module) {
  runJourneysCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
