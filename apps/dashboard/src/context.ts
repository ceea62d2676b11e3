// What every screen gets from the shell: the API, the live feed, the selected site and range, navigation.
import type { Api } from './api';
import type { TokenStore } from './auth';
import type { LiveFeed } from './live';
import type { RangeKey } from './range';
import type { Site } from './types';

export type TabKey = 'incidents' | 'compare' | 'synthetic' | 'setup';

/** The shell's shared state and services, passed to each screen. */
export interface AppContext {
  api: Api;
  live: LiveFeed;
  tokens: TokenStore;
  site: Site | null;
  range: RangeKey;
  /** Wall clock, in one place so relative times agree across screens. */
  now(): number;
  /** Switches screens; the compare screen takes a route and metric to show. */
  go(tab: TabKey, params?: { route?: string; metric?: string }): void;
}

/** One screen: its root element, a reload for site or range changes, and hooks for being shown. */
export interface View {
  root: HTMLElement;
  /** Reloads the screen's data (site or range changed, or first show). */
  refresh(): void;
  /** Called when the screen becomes visible, with parameters from `go`; true when it reloaded itself. */
  shown?(params?: { route?: string; metric?: string }): boolean | void;
}
