import { describe, expect, it } from 'vitest';
import { connectionClass } from './connection';

describe('connectionClass', () => {
  it.each([
    ['4g', '4g'],
    ['3g', '3g'],
    ['2g', '2g'],
    ['slow-2g', 'slow-2g'],
    ['4G', '4g'],
    [' 3g ', '3g'],
    ['5g', 'unknown'], // not an effectiveType value
    ['wifi', 'unknown'], // a connection type, not an effective type
    ['', 'unknown'],
    [undefined, 'unknown'],
    [null, 'unknown'],
  ])('%j -> %s', (input, expected) => {
    expect(connectionClass(input)).toBe(expected);
  });
});
