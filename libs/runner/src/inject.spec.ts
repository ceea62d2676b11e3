import { describe, expect, it } from 'vitest';
import { runInitScript, secretForms } from './inject';

const run = { runId: 'run-1', siteKey: 'pk_1', collectUrl: 'http://collector.test/collect' };

describe('runInitScript', () => {
  it('configures the snippet for the run, only in top-level http(s) documents', () => {
    const script = runInitScript(run, '/*BUNDLE*/', []);
    expect(script.startsWith('if(window===window.top&&/^https?:$/.test(location.protocol)){')).toBe(true);
    expect(script).toContain('window.__pxc={"siteKey":"pk_1","endpoint":"http://collector.test/collect","sampleRate":1,"syntheticRunId":"run-1"};/*BUNDLE*/');
    expect(script).not.toContain('sendBeacon');
    expect(() => new Function(script)).not.toThrow();
  });

  it('masks secrets in beacons to the collector only, before the snippet starts', () => {
    const script = runInitScript(run, '/*BUNDLE*/', ['p@ss word']);
    expect(script.indexOf('sendBeacon')).toBeLessThan(script.indexOf('/*BUNDLE*/'));
    expect(() => new Function(script)).not.toThrow();

    // run the wrapper against stand-ins for the browser objects
    const sent: [string, unknown][] = [];
    const fetched: [string, unknown][] = [];
    const navigator = { sendBeacon: (url: string, data: unknown) => (sent.push([url, data]), true) };
    const window = { fetch: async (url: string, init?: { body?: unknown }) => void fetched.push([url, init?.body]) } as Record<string, unknown>;
    window.top = window;
    const location = { protocol: 'https:' };
    new Function('window', 'navigator', 'location', script)(window, navigator, location);

    navigator.sendBeacon('http://collector.test/collect', JSON.stringify({ url: 'https://shop/?pw=p%40ss+word', text: 'p@ss word' }));
    navigator.sendBeacon('https://analytics.example/x', 'p@ss word');
    (window.fetch as (u: string, i: object) => Promise<void>)('http://collector.test/collect', { method: 'POST', body: 'a p%40ss%20word b' });
    expect(sent).toEqual([
      ['http://collector.test/collect', '{"url":"https://shop/?pw=***","text":"***"}'],
      ['https://analytics.example/x', 'p@ss word'],
    ]);
    expect(fetched).toEqual([['http://collector.test/collect', 'a *** b']]);
  });
});

describe('secretForms', () => {
  it('lists the value, its URL encodings and their JSON-escaped forms, longest first, skipping empty values', () => {
    const forms = secretForms(['a"b c', '']);
    expect(forms).toEqual(expect.arrayContaining(['a"b c', 'a\\"b c', 'a%22b%20c', 'a%22b+c']));
    expect(forms.every((f, i) => i === 0 || forms[i - 1].length >= f.length)).toBe(true);
    expect(forms).not.toContain('');
  });
});
