import { describe, expect, it } from 'vitest';
import { countryOfTimeZone, isCountryCode, regionFrom, UNKNOWN_REGION } from './region';

describe('regionFrom', () => {
  it('uses a valid edge header, upper-cased and trimmed', () => {
    expect(regionFrom({ edgeHeaderValue: 'DE' })).toBe('DE');
    expect(regionFrom({ edgeHeaderValue: ' fr ' })).toBe('FR');
  });

  it('prefers the edge header over the time zone', () => {
    expect(regionFrom({ edgeHeaderValue: 'CH', timeZone: 'Europe/Berlin' })).toBe('CH');
  });

  it.each(['XX', 'T1', 'EU', 'AP', 'A1', 'ZZ', 'QQ', '', 'DEU', 'D', '12'])('ignores the edge placeholder %j and falls back', (value) => {
    expect(regionFrom({ edgeHeaderValue: value, timeZone: 'Asia/Tokyo' })).toBe('JP');
    expect(regionFrom({ edgeHeaderValue: value })).toBe(UNKNOWN_REGION);
  });

  it.each([
    ['America/Sao_Paulo', 'BR'],
    ['Europe/Berlin', 'DE'],
    ['Asia/Kolkata', 'IN'],
    ['Asia/Calcutta', 'IN'], // Chrome still reports the old name
    ['America/New_York', 'US'],
    ['America/Los_Angeles', 'US'],
    ['America/Indiana/Indianapolis', 'US'],
    ['US/Eastern', 'US'],
    ['Europe/London', 'GB'],
    ['Europe/Paris', 'FR'],
    ['Europe/Amsterdam', 'NL'],
    ['Europe/Oslo', 'NO'],
    ['Europe/Kiev', 'UA'],
    ['Europe/Kyiv', 'UA'],
    ['Europe/Istanbul', 'TR'],
    ['Europe/Moscow', 'RU'],
    ['Asia/Tokyo', 'JP'],
    ['Asia/Shanghai', 'CN'],
    ['Asia/Hong_Kong', 'HK'],
    ['Asia/Singapore', 'SG'],
    ['Asia/Kuala_Lumpur', 'MY'],
    ['Asia/Saigon', 'VN'],
    ['Asia/Ho_Chi_Minh', 'VN'],
    ['Asia/Jakarta', 'ID'],
    ['Asia/Dubai', 'AE'],
    ['Asia/Katmandu', 'NP'],
    ['Australia/Sydney', 'AU'],
    ['Pacific/Auckland', 'NZ'],
    ['Africa/Lagos', 'NG'],
    ['Africa/Johannesburg', 'ZA'],
    ['Africa/Cairo', 'EG'],
    ['America/Argentina/Buenos_Aires', 'AR'],
    ['America/Buenos_Aires', 'AR'],
    ['America/Mexico_City', 'MX'],
    ['America/Toronto', 'CA'],
    ['America/Montreal', 'CA'],
    ['America/Bogota', 'CO'],
    ['Atlantic/Reykjavik', 'IS'],
    ['Iceland', 'IS'], // alias whose tzdata target lies in another country
    ['Pacific/Truk', 'FM'],
    ['america/sao_paulo', 'BR'],
  ])('time zone %s -> %s', (timeZone, country) => {
    expect(regionFrom({ timeZone })).toBe(country);
  });

  it.each(['UTC', 'Etc/UTC', 'Etc/GMT+5', 'GMT', 'Mars/Olympus_Mons', '', 'x'.repeat(100)])('time zone %j gives unknown', (timeZone) => {
    expect(regionFrom({ timeZone })).toBe(UNKNOWN_REGION);
  });

  it('is unknown with no inputs', () => {
    expect(regionFrom({})).toBe(UNKNOWN_REGION);
  });
});

describe('countryOfTimeZone', () => {
  it('maps every time zone this runtime knows to a country, except UTC-like ones', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(150);
    const missing = zones.filter((zone) => !countryOfTimeZone(zone) && !/^(Etc\/|UTC$|GMT$)/.test(zone));
    expect(missing).toEqual([]);
  });
});

describe('isCountryCode', () => {
  it('knows assigned codes, including uninhabited ones, and rejects pseudo codes', () => {
    expect(isCountryCode('US')).toBe(true);
    expect(isCountryCode('BV')).toBe(true);
    expect(isCountryCode('XX')).toBe(false);
    expect(isCountryCode('us')).toBe(false);
  });
});
