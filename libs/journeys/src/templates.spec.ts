import { describe, expect, it } from 'vitest';
import { parseJourney } from './parse';
import type { Journey } from './schema';
import { checkTemplates, JourneyTemplateError, resolveTemplates, SecretMasker, templateReferences } from './templates';

function journey(source: string): Journey {
  const r = parseJourney(source, 'j.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.journey;
}

const login = journey(`name: login
schedule: { every: 5m }
variables: { USER: alice, HOST: 'https://shop.example' }
steps:
  - goto: '\${{ vars.HOST }}/login?user=\${{ vars.USER }}'
  - fill: { selector: '#user', value: '\${{ vars.USER }}' }
  - fill: { selector: '#password', value: '\${{secrets.PASSWORD}}' }
  - expect: { selector: '#welcome', text: 'Hello \${{ vars.USER }}' }
`);

describe('resolveTemplates', () => {
  it('substitutes variables and secrets into step arguments, keeping names template-free', () => {
    const { steps } = resolveTemplates(login, { secrets: { PASSWORD: 'hunter2!' } });
    expect(steps[0]).toMatchObject({ action: 'goto', url: 'https://shop.example/login?user=alice', name: 'goto ${{ vars.HOST }}/login?user=${{ vars.USER }}' });
    expect(steps[2]).toMatchObject({ action: 'fill', value: 'hunter2!', name: 'fill #password' });
    expect(steps[3]).toMatchObject({ text: 'Hello alice' });
  });

  it('lets the caller override journey variables', () => {
    const { steps } = resolveTemplates(login, { vars: { USER: 'bob' }, secrets: { PASSWORD: 'x' } });
    expect(steps[1]).toMatchObject({ value: 'bob' });
  });

  it('fails with an error naming the missing secret and the step, never a value', () => {
    let error: unknown;
    try {
      resolveTemplates(login, { secrets: { OTHER: 'value-not-shown' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JourneyTemplateError);
    const e = error as JourneyTemplateError;
    expect(e.message).toBe('secret PASSWORD is not set (used by step 3)');
    expect(e.missing).toEqual([{ kind: 'secret', name: 'PASSWORD', stepIndex: 2 }]);
    expect(e.message).not.toContain('value-not-shown');
  });

  it('names a missing variable too', () => {
    const j = journey(`name: v\nschedule: { every: 5m }\nsteps:\n  - goto: '/\${{ vars.PATH_X }}'\n`);
    expect(() => resolveTemplates(j)).toThrow('variable PATH_X is not set (used by step 1)');
  });

  it('masks only the secrets the journey references', () => {
    const { masker } = resolveTemplates(login, { secrets: { PASSWORD: 'hunter2!', HOME: '/root', ON: '1' } });
    expect(masker.mask('login with hunter2! from /root at 1')).toBe('login with *** from /root at 1');
  });

  it('lists referenced secrets and variables', () => {
    expect(templateReferences(login)).toEqual({ secrets: ['PASSWORD'], vars: ['HOST', 'USER'] });
  });
});

describe('SecretMasker', () => {
  it('masks every occurrence, and the URL- and JSON-encoded forms', () => {
    const masker = new SecretMasker(['p@ss word/"1"']);
    expect(masker.mask('a p@ss word/"1" b p@ss word/"1"')).toBe('a *** b ***');
    expect(masker.mask(`/track?pw=${encodeURIComponent('p@ss word/"1"')}`)).toBe('/track?pw=***');
    expect(masker.mask(`/track?${new URLSearchParams({ pw: 'p@ss word/"1"' })}`)).toBe('/track?pw=***');
    expect(masker.mask(JSON.stringify({ pw: 'p@ss word/"1"' }))).toBe('{"pw":"***"}');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const masker = new SecretMasker(['abc', 'abcdef']);
    expect(masker.mask('xabcdefx abc')).toBe('x***x ***');
  });

  it('treats regex characters literally and ignores empty secrets', () => {
    const masker = new SecretMasker(['a.b*c', '']);
    expect(masker.mask('a.b*c aXbbc')).toBe('*** aXbbc');
    expect(new SecretMasker([]).mask('plain')).toBe('plain');
  });

  it('masks strings deep inside records', () => {
    const masker = new SecretMasker(['s3cr3t']);
    const buf = Buffer.from('s3cr3t');
    const out = masker.maskDeep({ a: ['x s3cr3t'], b: { c: 's3cr3t', n: 5 }, buf });
    expect(out).toEqual({ a: ['x ***'], b: { c: '***', n: 5 }, buf });
  });
});

describe('checkTemplates', () => {
  it('accepts vars and secrets references only', () => {
    expect(checkTemplates('${{ vars.A }} and ${{secrets.B_2}}')).toEqual([]);
    expect(checkTemplates('${{ env.A }}')[0]).toMatch(/bad template/);
    expect(checkTemplates('${{ vars.A ')[0]).toMatch(/unterminated/);
    expect(checkTemplates('plain $text {{ }}')).toEqual([]);
  });
});

describe('SecretMasker.maskUrl', () => {
  it('masks the forms browsers normalise a URL to', () => {
    const secret = 'Sup3r s3cret/pa$$"word';
    const masker = new SecretMasker([secret]);
    const browserForm = new URL(`http://shop/?token=${secret}`).href;
    expect(masker.mask(browserForm)).toBe('http://shop/?token=***');
    // lower-case hex is valid percent-encoding but none of the precomputed forms: decoding finds it
    const lowerHex = encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    expect(masker.mask(`http://shop/p/${lowerHex}`)).toContain('Sup3r');
    expect(masker.maskUrl(`http://shop/p/${lowerHex}`)).toBe('http://shop/p/***');
  });

  it('never turns a partial encoding into a mask of unrelated text', () => {
    const masker = new SecretMasker(['a#b?c']);
    expect(masker.mask('a b c abc')).toBe('a b c abc');
    expect(masker.mask('x a#b?c y')).toBe('x *** y');
  });
});
