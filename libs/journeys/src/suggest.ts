import { journeyJsonSchema } from './json-schema';

let cachedKeys: string[] | undefined;

/** Every property name the journey schema knows, for "did you mean" hints. */
export function knownKeys(): string[] {
  if (!cachedKeys) {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'properties' && v && typeof v === 'object') Object.keys(v).forEach((p) => keys.add(p));
          walk(v);
        }
      }
    };
    walk(journeyJsonSchema());
    cachedKeys = [...keys];
  }
  return cachedKeys;
}

/** The closest known key to a mistyped one (case, prefix, or 1-2 edits away), if any. */
export function suggestKey(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  let best: { key: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = c.toLowerCase().startsWith(lower) && lower.length >= 3 ? 1 : editDistance(lower, c.toLowerCase());
    // short keys are a single edit from too many others for a two-edit guess to help
    if (distance <= (lower.length < 5 ? 1 : 2) && (!best || distance < best.distance)) best = { key: c, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
