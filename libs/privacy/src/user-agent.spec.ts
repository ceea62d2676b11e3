import { describe, expect, it } from 'vitest';
import { defaultUaParser, parseUserAgent, UaParser, type UaInfo } from './user-agent';

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.230 Safari/537.36',
  chromeIos: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1',
  chromeOs: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36',
  chromium: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/120.0.6099.224 Chrome/120.0.6099.224 Safari/537.36',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1',
  safariIpad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  samsung: 'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
  edgeAndroid: 'Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.116 Mobile Safari/537.36 EdgA/120.0.2210.115',
  edgeLegacy: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:122.0) Gecko/122.0 Firefox/122.0',
  firefoxIos: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15',
  opera: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0',
  yandex: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36',
  kindleSilk: 'Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.1 like Chrome/120.0.6099.230 Safari/537.36',
  samsungTv: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  ahrefs: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  lighthouse:
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
  curl: 'curl/8.4.0',
  headlessChrome: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36',
  cubotPhone: 'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36',
};

const cases: Array<[keyof typeof UA, UaInfo]> = [
  ['chromeWindows', { browser: 'chrome', browserMajor: '120', os: 'windows', deviceClass: 'desktop' }],
  ['chromeMac', { browser: 'chrome', browserMajor: '124', os: 'macos', deviceClass: 'desktop' }],
  ['chromeAndroid', { browser: 'chrome', browserMajor: '124', os: 'android', deviceClass: 'mobile' }],
  ['chromeAndroidTablet', { browser: 'chrome', browserMajor: '120', os: 'android', deviceClass: 'tablet' }],
  ['chromeIos', { browser: 'chrome', browserMajor: '123', os: 'ios', deviceClass: 'mobile' }],
  ['chromeOs', { browser: 'chrome', browserMajor: '121', os: 'chromeos', deviceClass: 'desktop' }],
  ['chromium', { browser: 'chrome', browserMajor: '120', os: 'linux', deviceClass: 'desktop' }],
  ['safariIphone', { browser: 'safari', browserMajor: '17', os: 'ios', deviceClass: 'mobile' }],
  ['safariIpad', { browser: 'safari', browserMajor: '16', os: 'ios', deviceClass: 'tablet' }],
  ['safariMac', { browser: 'safari', browserMajor: '17', os: 'macos', deviceClass: 'desktop' }],
  ['samsung', { browser: 'samsung', browserMajor: '23', os: 'android', deviceClass: 'mobile' }],
  ['edgeWindows', { browser: 'edge', browserMajor: '120', os: 'windows', deviceClass: 'desktop' }],
  ['edgeAndroid', { browser: 'edge', browserMajor: '120', os: 'android', deviceClass: 'mobile' }],
  ['edgeLegacy', { browser: 'edge', browserMajor: '18', os: 'windows', deviceClass: 'desktop' }],
  ['firefoxWindows', { browser: 'firefox', browserMajor: '121', os: 'windows', deviceClass: 'desktop' }],
  ['firefoxLinux', { browser: 'firefox', browserMajor: '125', os: 'linux', deviceClass: 'desktop' }],
  ['firefoxAndroid', { browser: 'firefox', browserMajor: '122', os: 'android', deviceClass: 'mobile' }],
  ['firefoxIos', { browser: 'firefox', browserMajor: '121', os: 'ios', deviceClass: 'mobile' }],
  ['opera', { browser: 'opera', browserMajor: '106', os: 'windows', deviceClass: 'desktop' }],
  ['yandex', { browser: 'other', browserMajor: '', os: 'windows', deviceClass: 'desktop' }],
  ['kindleSilk', { browser: 'other', browserMajor: '', os: 'android', deviceClass: 'tablet' }],
  ['samsungTv', { browser: 'samsung', browserMajor: '4', os: 'other', deviceClass: 'other' }],
  ['googlebot', { browser: 'other', browserMajor: '', os: 'other', deviceClass: 'bot' }],
  ['googlebotSmartphone', { browser: 'other', browserMajor: '', os: 'android', deviceClass: 'bot' }],
  ['bingbot', { browser: 'other', browserMajor: '', os: 'other', deviceClass: 'bot' }],
  ['ahrefs', { browser: 'other', browserMajor: '', os: 'other', deviceClass: 'bot' }],
  ['lighthouse', { browser: 'other', browserMajor: '', os: 'android', deviceClass: 'bot' }],
  ['curl', { browser: 'other', browserMajor: '', os: 'other', deviceClass: 'bot' }],
  ['headlessChrome', { browser: 'headless-chrome', browserMajor: '131', os: 'linux', deviceClass: 'bot' }],
  ['cubotPhone', { browser: 'chrome', browserMajor: '118', os: 'android', deviceClass: 'mobile' }],
];

describe('parseUserAgent', () => {
  it.each(cases)('%s', (name, expected) => {
    expect(parseUserAgent(UA[name])).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['garbage', 'asdf qwer !!'],
    ['binary-ish', '\u0000\u0001\uffff'],
  ])('%s UA is other', (_name, ua) => {
    expect(parseUserAgent(ua)).toEqual({ browser: 'other', browserMajor: '', os: 'other', deviceClass: 'other' });
  });

  it('treats a missing header as other', () => {
    expect(parseUserAgent(undefined).browser).toBe('other');
    expect(parseUserAgent(null).deviceClass).toBe('other');
  });

  it('returns frozen results so a shared cached value cannot be altered by a caller', () => {
    const info = parseUserAgent(UA.chromeWindows);
    expect(Object.isFrozen(info)).toBe(true);
  });

  it('shares one default parser', () => {
    expect(defaultUaParser()).toBe(defaultUaParser());
  });
});

describe('UaParser cache', () => {
  it('returns the same object for a repeated UA and stays within maxEntries', () => {
    const parser = new UaParser({ maxEntries: 3 });
    const first = parser.parse(UA.safariIphone);
    expect(parser.parse(UA.safariIphone)).toBe(first);
    for (const ua of [UA.chromeMac, UA.edgeWindows, UA.firefoxWindows, UA.opera]) parser.parse(ua);
    expect(parser.cachedEntries).toBe(3);
    // Evicted, so parsed again: equal but a new object.
    const again = parser.parse(UA.safariIphone);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('considers only the first maxUaLength characters', () => {
    const parser = new UaParser({ maxUaLength: 512 });
    const padded = UA.firefoxWindows + ' '.repeat(600) + 'Edg/120.0';
    expect(parser.parse(padded).browser).toBe('firefox');
    // Two UAs that differ only past the cut share one cache entry.
    parser.parse(padded + 'x');
    expect(parser.cachedEntries).toBe(1);
  });
});
