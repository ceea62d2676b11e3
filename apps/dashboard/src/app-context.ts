// What every screen gets from the shell: the API, the live feed, the current site and the URL state.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SiteView } from '@parallax/contracts/dashboard-views';
import type { Api } from './api';
import type { HashState } from './hash-state';
import type { LiveFeed } from './live';

export interface AppContext {
  api: Api;
  live: LiveFeed;
  site: SiteView;
  sites: SiteView[];
  state: HashState;
  /** Changes the URL state (merged into the current one unless `replace`). */
  navigate: (patch: Partial<HashState>, replace?: boolean) => void;
  /** Reloads the site list (after creating or editing one). */
  reloadSites: (selectId?: string) => void;
}

export const Ctx = createContext<AppContext>(null as unknown as AppContext);
export const useApp = () => useContext(Ctx);
