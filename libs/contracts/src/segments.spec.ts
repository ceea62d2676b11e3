import { describe, expect, it } from 'vitest';
import { canonicalSegmentValue, parseSegment, canonicalSegment } from './segments';

describe('segment values in one form', () => {
  it('upper-cases countries and lower-cases the other dimensions, keeping releases as given', () => {
    expect(canonicalSegmentValue('country', ' br ')).toBe('BR');
    expect(canonicalSegmentValue('browser', 'Firefox  132')).toBe('firefox 132');
    expect(canonicalSegmentValue('device', 'Mobile')).toBe('mobile');
    expect(canonicalSegmentValue('release', 'v2.0-RC')).toBe('v2.0-RC');
  });
  it('parses dim:value, keeping colons inside the value, and refuses malformed text', () => {
    expect(parseSegment('Browser:Firefox 132')).toEqual({ dim: 'browser', value: 'firefox 132' });
    expect(parseSegment('release:build:42')).toEqual({ dim: 'release', value: 'build:42' });
    expect(parseSegment('country:')).toBeNull();
    expect(parseSegment(':BR')).toBeNull();
    expect(parseSegment('')).toBeNull();
    expect(canonicalSegment('country', 'de')).toBe('country:DE');
  });
});
