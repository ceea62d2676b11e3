// The dashboard's state in the URL hash, so a link opens the same screen, site, route, vital, range and segment:
// `#/compare?site=…&route=%2Fproduct%2F%3Aid&metric=lcp&range=24h&segment=browser%3Asafari%2018`.
// Pure: parse and format only; main.tsx listens to hashchange.
import { isRangeKey, type RangeKey } from './range';

export const SCREENS = ['overview', 'segments', 'compare', 'journeys', 'incidents', 'settings'] as const;
export type Screen = (typeof SCREENS)[number] | 'run' | 'incident';

export interface HashState {
  screen: Screen;
  /** Run or incident id on their pages. */
  id?: string;
  site?: string;
  route?: string;
  metric?: string;
  range?: RangeKey;
  /** A custom window (drag to zoom), epoch ms; wins over `range`. */
  from?: number;
  to?: number;
  segment?: string;
}

const KEYS = ['site', 'route', 'metric', 'range', 'from', 'to', 'segment'] as const;

export function parseHash(hash: string): HashState {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const path = (q < 0 ? text : text.slice(0, q)).split('/').filter(Boolean);
  const params = new URLSearchParams(q < 0 ? '' : text.slice(q + 1));
  const [first, id] = path;
  let screen: Screen = 'overview';
  if (first === 'runs' && id) screen = 'run';
  else if (first === 'incidents' && id) screen = 'incident';
  else if ((SCREENS as readonly string[]).includes(first)) screen = first as Screen;
  const state: HashState = { screen };
  if ((screen === 'run' || screen === 'incident') && id) state.id = decodeURIComponent(id);
  const get = (k: string) => params.get(k) ?? undefined;
  if (get('site')) state.site = get('site');
  if (get('route')) state.route = get('route');
  if (get('metric')) state.metric = get('metric');
  if (isRangeKey(get('range'))) state.range = get('range') as RangeKey;
  const from = Number(get('from'));
  const to = Number(get('to'));
  if (Number.isFinite(from) && Number.isFinite(to) && from > 0 && to > from) {
    state.from = from;
    state.to = to;
  }
  if (get('segment')) state.segment = get('segment');
  return state;
}

export function formatHash(state: HashState): string {
  const path =
    state.screen === 'run'
      ? `runs/${encodeURIComponent(state.id ?? '')}`
      : state.screen === 'incident'
        ? `incidents/${encodeURIComponent(state.id ?? '')}`
        : state.screen;
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = state[key];
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}
