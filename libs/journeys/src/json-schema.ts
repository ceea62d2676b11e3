import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { journeySchema } from './schema';

/** Stable id editors see; the file itself lives beside the journeys. */
export const JOURNEY_SCHEMA_ID = 'https://parallax.dev/schemas/journey.schema.json';

/** JSON Schema (draft-07, as yaml-language-server reads best) generated from the validator's own definition. */
export function journeyJsonSchema(): Record<string, unknown> {
  // io 'input': fields with defaults are optional for the author
  const schema = z.toJSONSchema(journeySchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: JOURNEY_SCHEMA_ID };
}

/** Writes the journey JSON Schema to `path` (pretty-printed, newline-terminated). */
export async function writeJourneySchema(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(journeyJsonSchema(), null, 2)}\n`);
}
