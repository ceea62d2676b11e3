import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, startBanner } from './start-banner';

describe('startBanner', () => {
  const base = {
    url: 'http://localhost:3000',
    browser: { source: 'bundled', path: '/tmp/c/chromium', version: 'Chromium 153.0.8010.0' },
    database: 'embedded PostgreSQL on 127.0.0.1:54329',
  };

  it('shows the URL, dashboard, docs, token, browser and database, one per line', () => {
    const text = startBanner({ ...base, generatedToken: 'pxa_secret', tokenFile: '/data/admin-token' });
    expect(text).toContain('Parallax is running at http://localhost:3000');
    expect(text).toMatch(/Dashboard: +http:\/\/localhost:3000\/\n/);
    expect(text).toMatch(/API docs: +http:\/\/localhost:3000\/api\/docs\n/);
    expect(text).toMatch(/Admin token: +pxa_secret\n +\(shown once; kept in \/data\/admin-token\)/);
    expect(text).toMatch(/Browser: +Chromium 153\.0\.8010\.0 \(bundled: \/tmp\/c\/chromium\)\n/);
    expect(text).toMatch(/Database: +embedded PostgreSQL on 127\.0\.0\.1:54329\n/);
  });

  it('names the token file but not the token on later starts, and says why there is no browser', () => {
    const text = startBanner({
      ...base,
      tokenFile: '/data/admin-token',
      browser: { source: 'none', path: null, version: null, problem: 'PARALLAX_LOCAL_AGENT=false' },
    });
    expect(text).toMatch(/Admin token: +in \/data\/admin-token\n/);
    expect(text).toContain('Browser:       none: synthetic runs of "local" will not run (PARALLAX_LOCAL_AGENT=false)');
  });

  it('never shows database credentials', () => {
    expect(describeDatabaseUrl('postgres://user:hunter2@db.internal:5432/parallax?sslmode=require')).toBe('postgres://db.internal:5432/parallax');
  });
});
