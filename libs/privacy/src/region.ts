import { COUNTRIES_WITHOUT_TIME_ZONE, TIME_ZONE_COUNTRY_TABLE } from './tz-countries';

/** Region value when neither a trusted edge header nor the time zone names a country. */
export const UNKNOWN_REGION = 'unknown';

export interface RegionInputs {
  /** Country from a trusted edge proxy (CF-IPCountry style); pass it only when the proxy is trusted. */
  edgeHeaderValue?: string;
  /** The browser's IANA time zone from the beacon. */
  timeZone?: string;
}

let countryByZone: Map<string, string> | undefined;
let countryCodes: Set<string> | undefined;

/** Parses the table once, on first use; keys are lower-cased so lookups forgive case. */
function tables(): { byZone: Map<string, string>; codes: Set<string> } {
  if (!countryByZone || !countryCodes) {
    const byZone = new Map<string, string>();
    const codes = new Set<string>(COUNTRIES_WITHOUT_TIME_ZONE);
    for (const line of TIME_ZONE_COUNTRY_TABLE.split('\n')) {
      const [country, ...zones] = line.split(' ');
      if (!country) continue;
      codes.add(country);
      for (const zone of zones) byZone.set(zone.toLowerCase(), country);
    }
    countryByZone = byZone;
    countryCodes = codes;
  }
  return { byZone: countryByZone, codes: countryCodes };
}

/** The ISO 3166 alpha-2 country of an IANA time zone (`Europe/Berlin` -> `DE`), or undefined. */
export function countryOfTimeZone(timeZone: string): string | undefined {
  if (timeZone.length === 0 || timeZone.length > 64) return undefined;
  return tables().byZone.get(timeZone.trim().toLowerCase());
}

/**
 * True for an assigned ISO 3166 alpha-2 code. Edge placeholders fail: XX (unknown), T1 (Tor),
 * EU/AP/A1/A2/O1 (GeoIP pseudo-regions), ZZ and the other user-assigned codes.
 */
export function isCountryCode(code: string): boolean {
  return code.length === 2 && tables().codes.has(code);
}

/** Country of a beacon: the trusted edge header if it names a real country, else the time zone's, else 'unknown'. */
export function regionFrom(inputs: RegionInputs): string {
  const header = inputs.edgeHeaderValue?.trim().toUpperCase();
  if (header && isCountryCode(header)) return header;
  if (inputs.timeZone) return countryOfTimeZone(inputs.timeZone) ?? UNKNOWN_REGION;
  return UNKNOWN_REGION;
}
