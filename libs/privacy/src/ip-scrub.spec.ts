import fc from 'fast-check';
import { isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { scrubIpAddresses } from './ip-scrub';

/** Text around an address as logs have it: words, key=value, quotes, brackets with a port, sentence ends. */
const around = fc.record({
  before: fc.constantFrom('', ' ', 'from ', 'client=', '"', "'", '(', 'ip: ', 'connect ECONNREFUSED ', 'http://['),
  after: fc.constantFrom('', ' ', '.', ',', '"', ')', ' and more', ']', ']:443', ']:8080/path', '/64', '%eth0', '%25en0'),
});

describe('scrubIpAddresses', () => {
  it('scrubs the forms a simple pattern misses', () => {
    for (const [input, expected] of [
      ['from 2001:db8::1234 ok', 'from [ip] ok'],
      ['fe80::1', '[ip]'],
      ['fe80::1%eth0 up', '[ip] up'],
      ['[2001:db8::1234]:443', '[[ip]]:443'],
      ['::ffff:1.2.3.4', '[ip]'],
      ['::ffff:1.2.3.4:443', '[ip]:443'],
      ['::1', '[ip]'],
      ['::', '[ip]'],
      ['2001:DB8:0:0:8:800:200C:417A', '[ip]'],
      ['64:ff9b::192.0.2.33.', '[ip].'],
      ['203.0.113.7', '[ip]'],
    ]) {
      expect(scrubIpAddresses(input), input).toBe(expected);
    }
  });

  it('leaves times, versions, MAC-like ids and ordinary words alone', () => {
    for (const text of ['at 12:30:45 UTC', 'v2.3.1', 'aa:bb:cc:dd:ee:ff', 'deadbeef cafe', 'ratio 1:2', 'GET /api/sites 200']) {
      expect(scrubIpAddresses(text)).toBe(text);
    }
  });

  it('leaves no IPv6 address of any textual form in the text (property)', () => {
    fc.assert(
      fc.property(fc.ipV6(), around, fc.boolean(), (address, { before, after }, upper) => {
        const ip = upper ? address.toUpperCase() : address;
        const out = scrubIpAddresses(`${before}${ip}${after}`);
        expect(out).toContain('[ip]');
        expect(out).not.toContain(ip);
        // Nothing that still parses as an address with at least one non-zero group.
        for (const token of out.split(/[^0-9A-Fa-f:.]+/)) {
          if (token.length > 2 && isIPv6(token)) expect(token.replace(/[0:.]/g, ''), out).toBe('');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves no IPv4 address in the text (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), around, (ip, { before, after }) => {
        expect(scrubIpAddresses(`${before}${ip}${after}`)).not.toContain(ip);
      }),
    );
  });

  it('stays linear on long runs of address characters', () => {
    const started = performance.now();
    expect(scrubIpAddresses('a:'.repeat(50_000) + 'x')).toBe('[ip]x');
    expect(scrubIpAddresses('1:2:3:4:5:6 '.repeat(10_000))).toHaveLength(120_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
