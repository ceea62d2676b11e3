import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// libs/journeys is the pure parser and validator of journey files: the executor, its actions and the browser
// throttling live in libs/runner. These checks keep it that way.
const SRC = __dirname;
const files = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
const importsOf = (file: string): string[] => [...readFileSync(join(SRC, file), 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1]);

describe('libs/journeys imports', () => {
  it('never imports Playwright or another @parallax lib', () => {
    const offending = files.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('playwright') || i.startsWith('@parallax/'))
        .map((i) => `${f} -> ${i}`),
    );
    expect(offending).toEqual([]);
  });

  it('has no import circle between its files', () => {
    const graph = new Map(
      files.map((f) => [
        f,
        importsOf(f)
          .filter((i) => i.startsWith('./'))
          .map((i) => `${i.slice(2)}.ts`),
      ]),
    );
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (path.includes(file)) return void cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
