export type ConnectionClass = '4g' | '3g' | '2g' | 'slow-2g' | 'unknown';

const CLASSES: ReadonlySet<string> = new Set(['4g', '3g', '2g', 'slow-2g']);

/** The Network Information API's effectiveType as a segment value; anything else is 'unknown'. */
export function connectionClass(effectiveType?: string | null): ConnectionClass {
  if (!effectiveType) return 'unknown';
  const value = effectiveType.trim().toLowerCase();
  return CLASSES.has(value) ? (value as ConnectionClass) : 'unknown';
}
