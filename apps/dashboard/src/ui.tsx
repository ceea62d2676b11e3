// Small shared pieces of the screens: loading/empty/error states, pickers, and a data-loading hook.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { metricLabel } from './format';
import { RANGES, type RangeKey } from './range';

export interface Async<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` whenever `deps` change; the latest call wins (a slow older answer never overwrites a newer one). */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (e: Error) => current && setState({ data: null, error: e.message, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="notice loading" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ message }: { message: string }) {
  return (
    <p class="notice error" role="alert">
      {message}
    </p>
  );
}

/** An empty state that says what to do next. */
export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  class: cls,
}: {
  title?: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <section class={`card ${cls ?? ''}`}>
      {title || actions ? (
        <div class="card-head">
          {title ? <h3>{title}</h3> : null}
          {actions ? <div class="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function RangePicker({ value, onChange, custom }: { value: RangeKey; onChange: (key: RangeKey) => void; custom?: boolean }) {
  return (
    <div class="segmented" role="group" aria-label="Time range">
      {(Object.keys(RANGES) as RangeKey[]).map((key) => (
        <button type="button" class={!custom && key === value ? 'active' : ''} aria-pressed={!custom && key === value} onClick={() => onChange(key)}>
          {RANGES[key].label}
        </button>
      ))}
    </div>
  );
}

export function Select<T extends string>({
  label,
  value,
  options,
  onChange,
  id,
}: {
  label: string;
  value: T;
  options: [T, string][];
  onChange: (v: T) => void;
  id: string;
}) {
  return (
    <label class="field" for={id}>
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value as T)}>
        {options.map(([v, text]) => (
          <option value={v}>{text}</option>
        ))}
      </select>
    </label>
  );
}

export const VITAL_OPTIONS: ['lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb', string][] = (['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const).map((m) => [
  m,
  metricLabel(m),
]);

/** A label badge: real users only / synthetic only / both / failing. */
export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}
