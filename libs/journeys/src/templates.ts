import type { Journey } from './schema';
import { normalizeStep, type NormalizedStep } from './steps';

import { REFERENCE, TEMPLATE } from './template-syntax';

export { checkTemplates } from './template-syntax';

/** Replacement written wherever a secret value would appear. */
export const MASK = '***';

/** Names of the secrets and variables a journey's steps reference. */
export function templateReferences(journey: Pick<Journey, 'steps'>): { secrets: string[]; vars: string[] } {
  const secrets = new Set<string>();
  const vars = new Set<string>();
  visitStrings(journey.steps, (s) => {
    for (const m of s.matchAll(TEMPLATE)) {
      const ref = REFERENCE.exec(m[1]);
      if (ref) (ref[1] === 'secrets' ? secrets : vars).add(ref[2]);
    }
    return s;
  });
  return { secrets: [...secrets].sort(), vars: [...vars].sort() };
}

/**
 * The forms a browser or a script may put a secret into a URL in (query, path, form encodings): the one list
 * both the report masker and the in-page beacon masking (libs/runner inject) work from.
 */
export function secretUrlForms(value: string): string[] {
  return [
    encodeURIComponent(value),
    encodeURI(value),
    new URLSearchParams({ s: value }).toString().slice(2),
    new URL(`http://h/?${value}`).search.slice(1),
    new URL(`http://h/${value}`).pathname.slice(1),
  ];
}

/** Replaces every secret value (and its URL-encoded forms) with `***` in any text before it is recorded. */
export class SecretMasker {
  private readonly pattern: RegExp | undefined;

  constructor(secretValues: Iterable<string>) {
    const variants = new Set<string>();
    for (const value of secretValues) {
      // an empty secret cannot be masked: it would match between every character
      if (!value) continue;
      variants.add(value);
      variants.add(JSON.stringify(value).slice(1, -1));
      // a URL form that does not decode back whole (a '#' or '?' cut it short) would mask a fragment of
      // text that is not the secret
      for (const form of secretUrlForms(value)) {
        if (safeDecode(form) === value || safeDecode(form.replace(/\+/g, ' ')) === value) variants.add(form);
      }
    }
    // longest first, so a secret that contains another is masked whole
    const sorted = [...variants].sort((a, b) => b.length - a.length);
    this.pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  /** The text with every secret replaced by `***`. */
  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, MASK) : text;
  }

  /**
   * Masks a URL; when percent-decoding it reveals a secret in a form not listed above, returns the decoded URL
   * masked instead (readability loses to secrecy).
   */
  maskUrl(url: string): string {
    const masked = this.mask(url);
    if (!this.pattern) return masked;
    for (const decoded of [safeDecode(masked), safeDecode(masked.replace(/\+/g, ' '))]) {
      const again = this.mask(decoded);
      if (again !== decoded) return again;
    }
    return masked;
  }

  /** Masks every string inside a JSON-like value (arrays and plain objects), leaving other values alone. */
  maskDeep<T>(value: T): T {
    if (!this.pattern) return value;
    return visitStrings(value, (s) => this.mask(s));
  }
}

/** A referenced secret or variable that has no value. */
export class JourneyTemplateError extends Error {
  readonly code = 'missing_template_value';
  constructor(
    readonly missing: { kind: 'secret' | 'variable'; name: string; stepIndex: number }[],
  ) {
    super(
      missing
        .map((m) => `${m.kind} ${m.name} is not set (used by step ${m.stepIndex + 1})`)
        .join('; '),
    );
    this.name = 'JourneyTemplateError';
  }
}

export interface TemplateValues {
  /** Values for `${{ vars.NAME }}`; they override the journey's own `variables`. */
  vars?: Record<string, string | undefined>;
  /** Values for `${{ secrets.NAME }}`, read by the agent from its environment. */
  secrets?: Record<string, string | undefined>;
}

export interface ResolvedJourney {
  steps: NormalizedStep[];
  /** Masks the values of the secrets this journey references. */
  masker: SecretMasker;
}

/**
 * Normalises the steps and substitutes `${{ vars.X }}` / `${{ secrets.X }}`.
 * Throws JourneyTemplateError naming every missing secret or variable.
 * Only the secrets the journey references are masked, so passing a whole environment does not mask "1" or "true".
 */
export function resolveTemplates(journey: Pick<Journey, 'steps' | 'variables'>, values: TemplateValues = {}): ResolvedJourney {
  const vars = { ...journey.variables, ...stripUndefined(values.vars ?? {}) };
  const secrets = values.secrets ?? {};
  const missing: JourneyTemplateError['missing'] = [];
  const used = new Set<string>();
  const steps = journey.steps.map((raw, index) => {
    const step = normalizeStep(raw, index);
    const { name, route, ...rest } = step;
    // the name and route are labels, never templated, so they cannot carry a secret value
    const resolved = visitStrings(rest, (s) =>
      s.replace(TEMPLATE, (whole, inner: string) => {
        const ref = REFERENCE.exec(inner);
        if (!ref) return whole;
        const [, kind, key] = ref;
        const value = kind === 'secrets' ? secrets[key] : vars[key];
        if (kind === 'secrets') used.add(key);
        if (value === undefined) {
          missing.push({ kind: kind === 'secrets' ? 'secret' : 'variable', name: key, stepIndex: index });
          return whole;
        }
        return value;
      }),
    );
    return { ...resolved, name, ...(route !== undefined ? { route } : {}) } as NormalizedStep;
  });
  if (missing.length) throw new JourneyTemplateError(missing);
  return { steps, masker: new SecretMasker([...used].map((k) => secrets[k] as string)) };
}

function stripUndefined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

function visitStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v) => visitStrings(v, fn)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visitStrings(v, fn)])) as T;
  }
  return value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
