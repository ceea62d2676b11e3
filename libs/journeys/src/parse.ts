import { createHash } from 'node:crypto';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { journeySchema, STEP_ACTIONS, type Journey } from './schema';
import { knownKeys, suggestKey } from './suggest';

/** One problem in a journey file, located at the offending key or value. */
export interface JourneyError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Where in the document the problem is, e.g. `steps[3].click.selector`; empty for YAML syntax errors. */
  schemaPath: string;
  message: string;
}

export type ParseJourneyResult = { ok: true; journey: Journey; contentHash: string } | { ok: false; errors: JourneyError[] };

type PathSegment = string | number;
type Issue = z.core.$ZodIssue;
/** A schema problem after unions are resolved: a path, a message, and whether to point at the key. */
interface Problem {
  path: PathSegment[];
  message: string;
  /** Point at this key of the map at `path` (unknown keys). */
  atKey?: string;
}

/** sha256 (hex) of a journey file's text: the version of the journey. */
export function journeyContentHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/** Parses and validates one journey file; errors carry file:line:col and the path in the document. */
export function parseJourney(source: string, fileName: string): ParseJourneyResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(Math.min(offset, source.length));
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file: fileName, ...at(e.pos[0]), schemaPath: '', message: firstLine(e.message) })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [{ file: fileName, line: 1, col: 1, schemaPath: '', message: (err as Error).message }] };
  }
  if (data === null || data === undefined) {
    return { ok: false, errors: [{ file: fileName, line: 1, col: 1, schemaPath: '', message: 'the file is empty: a journey needs name, schedule and steps' }] };
  }
  const result = journeySchema.safeParse(data);
  if (result.success) {
    const written = data as Record<string, unknown>;
    const setByFile = { device: written.device !== undefined, network: written.network !== undefined };
    return { ok: true, journey: { ...result.data, setByFile }, contentHash: journeyContentHash(source) };
  }
  const errors = resolveIssues(result.error.issues, data, []).map((p) => ({
    file: fileName,
    ...at(locate(doc, p.path, p.atKey)),
    schemaPath: formatPath(p.atKey ? [...p.path, p.atKey] : p.path),
    message: p.message,
  }));
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, errors: dedupe(errors) };
}

/** Formats a document path as `steps[3].click.selector`; `(root)` for the top. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(root)';
}

/** Flattens zod issues into problems, choosing for each union the branch the author evidently meant. */
function resolveIssues(issues: readonly Issue[], data: unknown, base: PathSegment[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    const value = valueAt(data, path);
    if (issue.code === 'invalid_union' && issue.errors.length) {
      out.push(...resolveUnion(issue.errors, data, path, value));
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(unknownKey(path, key, value));
    } else if (issue.code === 'invalid_type' && value === undefined && path.length) {
      out.push({ path: path.slice(0, -1), message: `missing required key "${path[path.length - 1]}" (${issue.expected})` });
    } else if (issue.code === 'invalid_value') {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      out.push({ path, message: `expected one of ${allowed}, got ${JSON.stringify(value) ?? 'nothing'}` });
    } else {
      out.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  return out;
}

function unknownKey(path: PathSegment[], key: string, value: unknown): Problem {
  if (isStepPath(path) && (STEP_ACTIONS as readonly string[]).includes(key)) {
    const actions = STEP_ACTIONS.filter((a) => isPlainObject(value) && a in value);
    return { path, atKey: key, message: `a step has exactly one action, found ${actions.join(' and ')}` };
  }
  const hint = suggestKey(key, knownKeys());
  // a key valid elsewhere in the schema (hint === key) is misplaced rather than misspelt
  if (hint === key) return { path, atKey: key, message: `key "${key}" is not allowed here` };
  return { path, atKey: key, message: `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ''}` };
}

function isStepPath(path: readonly PathSegment[]): boolean {
  return path.length === 2 && path[0] === 'steps' && typeof path[1] === 'number';
}

function resolveUnion(branches: readonly (readonly Issue[])[], data: unknown, path: PathSegment[], value: unknown): Problem[] {
  if (value === undefined && path.length) {
    return [{ path: path.slice(0, -1), message: `missing required key "${path[path.length - 1]}"` }];
  }
  // a step: the action key tells which branch was meant
  if (isStepPath(path) && isPlainObject(value)) {
    const actions = STEP_ACTIONS.filter((a) => a in value);
    if (actions.length === 1) return resolveIssues(branches[STEP_ACTIONS.indexOf(actions[0])], data, path);
    const list = STEP_ACTIONS.join(', ');
    if (actions.length > 1) return [{ path, atKey: actions[1], message: `a step has exactly one action, found ${actions.join(' and ')}` }];
    const common = new Set(['name', 'timeoutMs', 'optional', 'route']);
    const unknown = Object.keys(value).find((k) => !common.has(k));
    if (unknown) {
      const hint = suggestKey(unknown, STEP_ACTIONS);
      return [{ path, atKey: unknown, message: `unknown step action "${unknown}"${hint ? `; did you mean "${hint}"?` : ''} (actions: ${list})` }];
    }
    return [{ path, message: `a step needs one action: ${list}` }];
  }
  const scored = branches.map((issues) => ({ issues, score: mismatchScore(issues, data, path) }));
  const best = scored.reduce((a, b) => (b.score < a.score ? b : a));
  if (best.score >= TYPE_MISMATCH) {
    // no branch accepts this type of value: say what would be accepted
    const expected = [...new Set(branches.flatMap((issues) => issues.filter((i) => i.path.length === 0).map(describeExpected)))];
    return [{ path, message: `expected ${expected.join(' or ')}, got ${typeName(value)}` }];
  }
  const tied = scored.filter((b) => b.score === best.score);
  const missing = tied.map((b) => missingKeys(b.issues, data, path));
  if (tied.length > 1 && missing.every((keys) => keys.length > 0)) {
    // several shapes fit equally badly (e.g. a schedule with neither every nor cron): name the choice
    const unknown = best.issues.filter((i) => i.code === 'unrecognized_keys' && i.path.length === 0);
    const choice = [...new Set(missing.map((keys) => keys.join(' + ')))].join(', ');
    return [{ path, message: `needs one of: ${choice}` }, ...resolveIssues(unknown, data, path)];
  }
  return resolveIssues(best.issues, data, path);
}

function missingKeys(issues: readonly Issue[], data: unknown, base: PathSegment[]): string[] {
  return issues
    .filter((i) => i.code === 'invalid_type' && i.path.length === 1 && valueAt(data, [...base, ...(i.path as PathSegment[])]) === undefined)
    .map((i) => String(i.path[0]));
}

const TYPE_MISMATCH = 1000;

/** How badly a union branch misses the value's shape: wrong type >> missing or unknown keys >> other problems. */
function mismatchScore(issues: readonly Issue[], data: unknown, base: PathSegment[]): number {
  let score = 0;
  for (const i of issues) {
    const rootLevel = i.path.length === 0;
    if (rootLevel && i.code === 'invalid_type') score += TYPE_MISMATCH;
    else if (i.code === 'invalid_type' && valueAt(data, [...base, ...(i.path as PathSegment[])]) === undefined) score += 10;
    else if (rootLevel && i.code === 'unrecognized_keys') score += 10 * i.keys.length;
    else score += 1;
  }
  return score;
}

function describeExpected(issue: Issue): string {
  if (issue.code === 'invalid_type') return String(issue.expected);
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Offset of the node at `path` (of the key `atKey` inside it when given); the nearest existing ancestor otherwise. */
function locate(doc: Document, path: readonly PathSegment[], atKey?: string): number {
  let node: unknown = doc.contents;
  let lastKey: Node | undefined;
  const segments = atKey === undefined ? path : [...path, atKey];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      // for an unknown key, or a key whose value is empty, the key itself is the place to point at
      if (i === segments.length - 1 && atKey !== undefined) return key.range?.[0] ?? 0;
      lastKey = key;
      node = pair.value ?? undefined;
      if (!node || (isScalar(node) && node.value === null)) return key.range?.[0] ?? 0;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      lastKey = undefined;
    } else break;
  }
  const range = (node as Node | undefined)?.range ?? lastKey?.range;
  return range?.[0] ?? 0;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

function dedupe(errors: JourneyError[]): JourneyError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.line}:${e.col}:${e.schemaPath}:${e.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
