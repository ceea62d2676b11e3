import Bowser from 'bowser';
import { LruCache } from './lru';

export type BrowserFamily = 'chrome' | 'edge' | 'firefox' | 'safari' | 'samsung' | 'opera' | 'headless-chrome' | 'other';
export type OsFamily = 'windows' | 'macos' | 'ios' | 'android' | 'linux' | 'chromeos' | 'harmonyos' | 'other';
export type DeviceClass = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';

/** The low-cardinality view of a User-Agent that beacons are segmented by. */
export interface UaInfo {
  browser: BrowserFamily;
  /** Major version of the browser ('124'), '' when the browser is 'other' or unknown. */
  browserMajor: string;
  os: OsFamily;
  deviceClass: DeviceClass;
}

export interface UaParserOptions {
  /** Distinct UA strings kept; real traffic has a long tail, so the cache is bounded. */
  maxEntries?: number;
  /** Characters of the UA considered; longer ones are cut (and cached by the cut string). */
  maxUaLength?: number;
}

export const DEFAULT_UA_CACHE_ENTRIES = 5_000;
export const DEFAULT_MAX_UA_LENGTH = 512;

const BROWSER_BY_BOWSER_NAME: Record<string, BrowserFamily> = {
  Chrome: 'chrome',
  Chromium: 'chrome',
  'Microsoft Edge': 'edge',
  Firefox: 'firefox',
  Safari: 'safari',
  'Samsung Internet for Android': 'samsung',
  Opera: 'opera',
  'Opera Coast': 'opera',
  'Opera Touch': 'opera',
};

const OS_BY_BOWSER_NAME: Record<string, OsFamily> = {
  Windows: 'windows',
  macOS: 'macos',
  iOS: 'ios',
  Android: 'android',
  Linux: 'linux',
  'Chrome OS': 'chromeos',
  HarmonyOS: 'harmonyos',
};

const HEADLESS_CHROME = /HeadlessChrome\/(\d+)/;
/**
 * Crawlers and tools bowser does not know by name. `(?<!cu)` keeps Cubot phones ("CUBOT X30") out;
 * Lighthouse and WebPageTest (PTST) are lab runs, not users.
 */
const BOT_FALLBACK =
  /(?<!cu)bot\b|crawl|spider|slurp|scrapy|Chrome-Lighthouse|\bPTST\/|PhantomJS|^(?:curl|wget|python|go-http-client|java|okhttp|axios|node-fetch|undici)\b/i;

const OTHER: UaInfo = Object.freeze({ browser: 'other', browserMajor: '', os: 'other', deviceClass: 'other' });

/** Parses User-Agent strings into `UaInfo`, caching results per UA string (bounded LRU). */
export class UaParser {
  readonly maxUaLength: number;
  private readonly cache: LruCache<string, UaInfo>;

  constructor(options: UaParserOptions = {}) {
    this.cache = new LruCache(options.maxEntries ?? DEFAULT_UA_CACHE_ENTRIES);
    this.maxUaLength = options.maxUaLength ?? DEFAULT_MAX_UA_LENGTH;
  }

  /** Browser family and major, OS family and device class of a UA; the result is frozen and shared. */
  parse(ua: string | undefined | null): UaInfo {
    if (typeof ua !== 'string') return OTHER;
    const key = ua.length > this.maxUaLength ? ua.slice(0, this.maxUaLength) : ua;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const info = Object.freeze(classify(key.trim()));
    this.cache.set(key, info);
    return info;
  }

  /** Number of distinct UA strings cached. */
  get cachedEntries(): number {
    return this.cache.size;
  }
}

function classify(ua: string): UaInfo {
  if (ua.length === 0) return OTHER;
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(ua);
  } catch {
    return OTHER; // bowser throws on inputs it cannot handle; garbage is just 'other'
  }
  const os = OS_BY_BOWSER_NAME[parsed.os.name ?? ''] ?? 'other';
  const headless = HEADLESS_CHROME.exec(ua);
  if (headless) {
    // Headless Chrome is automation, not a person: synthetic runs are told apart by syntheticRunId instead.
    return { browser: 'headless-chrome', browserMajor: headless[1], os, deviceClass: 'bot' };
  }
  const browser = BROWSER_BY_BOWSER_NAME[parsed.browser.name ?? ''] ?? 'other';
  const platform = parsed.platform.type;
  const isBot = platform === 'bot' || BOT_FALLBACK.test(ua);
  const browserMajor = browser === 'other' || isBot ? '' : majorOf(parsed.browser.version);
  return { browser: isBot ? 'other' : browser, browserMajor, os, deviceClass: isBot ? 'bot' : deviceClassOf(platform, os) };
}

function deviceClassOf(platform: string | undefined, os: OsFamily): DeviceClass {
  switch (platform) {
    case 'desktop':
    case 'mobile':
    case 'tablet':
      return platform;
    case 'bot':
      return 'bot';
    case 'tv':
      return 'other';
    default:
      // bowser gives no platform for e.g. Chrome OS; a desktop OS is a desktop.
      return os === 'windows' || os === 'macos' || os === 'linux' || os === 'chromeos' ? 'desktop' : 'other';
  }
}

function majorOf(version: string | undefined): string {
  if (!version) return '';
  const match = /^(\d{1,5})/.exec(version);
  return match ? match[1] : '';
}

let defaultParser: UaParser | undefined;

/** The process-wide parser behind `parseUserAgent` (5,000 cached UAs). */
export function defaultUaParser(): UaParser {
  defaultParser ??= new UaParser();
  return defaultParser;
}

/** Parses a User-Agent with the shared, cached default parser. */
export function parseUserAgent(ua: string | undefined | null): UaInfo {
  return defaultUaParser().parse(ua);
}
