import { resolve } from 'node:path';

/** What the start banner tells a person at the terminal. */
export interface StartBannerFacts {
  url: string;
  /** The admin token when it was generated on this start (shown once, on the terminal only). */
  generatedToken?: string;
  /** Where the token is kept, or undefined when it comes from PARALLAX_ADMIN_TOKEN. */
  tokenFile?: string;
  browser: { source: string; path: string | null; version: string | null; problem?: string };
  /** e.g. "embedded PostgreSQL 127.0.0.1:54329, data in /x/.parallax/pg" or "external postgres://db:5432/parallax". */
  database: string;
}

/** A PostgreSQL URL without user or password, for the banner. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'external PostgreSQL';
  }
}

/** The plain-text block printed last at start: where things are, readable at a glance. */
export function startBanner(f: StartBannerFacts): string {
  const browser = f.browser.path
    ? `${f.browser.version ?? 'Chromium'} (${f.browser.source}: ${f.browser.path})`
    : `none: synthetic runs of "local" will not run (${f.browser.problem ?? 'no browser'})`;
  const token = f.generatedToken
    ? `${f.generatedToken}\n                 (shown once; kept in ${f.tokenFile ? resolve(f.tokenFile) : 'the data folder'})`
    : f.tokenFile
      ? `in ${resolve(f.tokenFile)}`
      : 'from PARALLAX_ADMIN_TOKEN';
  const rows: [string, string][] = [
    ['Dashboard', `${f.url}/`],
    ['API docs', `${f.url}/api/docs`],
    ['Admin token', token],
    ['Browser', browser],
    ['Database', f.database],
  ];
  return ['', `  Parallax is running at ${f.url}`, '', ...rows.map(([k, v]) => `  ${(k + ':').padEnd(14)} ${v}`), ''].join('\n') + '\n';
}
