import { describe, expect, it } from 'vitest';
import { inputProblem, MAX_JSON_DEPTH } from './input-guard';

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('inputProblem', () => {
  it('accepts ordinary bodies', () => {
    expect(inputProblem({ name: 'Shop', allowedOrigins: ['https://shop.example'], detectConfig: { rum: { recentWindowsMinutes: [10, 60] } } })).toBeUndefined();
    expect(inputProblem(nested(MAX_JSON_DEPTH - 1))).toBeUndefined();
  });

  it('rejects nesting past the limit, however deep, without recursion', () => {
    expect(inputProblem(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/nested deeper than 32 levels/);
    expect(inputProblem(nested(100_000))?.message).toMatch(/nested deeper/);
  });

  it('names the field that holds a NUL character or a lone surrogate, in values and keys', () => {
    expect(inputProblem({ name: 'a\u0000b' })).toMatchObject({ field: 'name' });
    expect(inputProblem({ routeRules: [{ pattern: '/ok' }, { pattern: '/x\u0000' }] })).toMatchObject({ field: 'routeRules.1.pattern' });
    expect(inputProblem({ detectConfig: { 'k\u0000': 1 } })?.message).toMatch(/key must not contain NUL/);
    expect(inputProblem({ version: 'v\ud800' })).toMatchObject({ field: 'version' });
    expect(inputProblem({ version: 'emoji \ud83d\ude00 is fine' })).toBeUndefined();
  });

  it('caps every string, except the fields that carry documents', () => {
    expect(inputProblem({ device: { name: 'x'.repeat(10_001) } })).toMatchObject({ field: 'device.name' });
    expect(inputProblem({ yaml: 'x'.repeat(100_000) })).toBeUndefined();
  });
});
