/**
 * The one written form of a segment, `dim:value`, as the rollups store it: country codes upper case (`country:BR`),
 * everything else lower case with single spaces (`browser:firefox 132`, `device:mobile`), releases as given
 * (a release is an opaque tag the site chose). Queries pass values through canonicalSegmentValue, so
 * `browser:Firefox 132` or `country:br` find the same rows instead of silently giving 0 samples.
 */
export function canonicalSegmentValue(dim: string, value: string): string {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  if (dim === 'release') return trimmed;
  if (dim === 'country') return trimmed.toUpperCase();
  return trimmed.toLowerCase();
}

/** Parses `dim:value` (dim case-insensitive) into its canonical parts; null for anything else. */
export function parseSegment(text: string | null | undefined): { dim: string; value: string } | null {
  if (!text) return null;
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return null;
  const dim = text.slice(0, at).trim().toLowerCase();
  const value = canonicalSegmentValue(dim, text.slice(at + 1));
  return value ? { dim, value } : null;
}

/** `dim:value` in canonical form. */
export function canonicalSegment(dim: string, value: string): string {
  return `${dim}:${canonicalSegmentValue(dim, value)}`;
}
