import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPath, journeyContentHash, parseJourney, type JourneyError } from './parse';
import { cronError, everyToMs, type Journey } from './schema';
import { normalizeStep } from './steps';

const JOURNEYS_DIR = join(__dirname, '../../../journeys');

function valid(source: string): Journey {
  const r = parseJourney(source, 'j.yaml');
  if (!r.ok) throw new Error(`expected valid, got ${JSON.stringify(r.errors)}`);
  return r.journey;
}

function errorsOf(source: string): JourneyError[] {
  const r = parseJourney(source, 'j.yaml');
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

const head = `name: shop\nschedule: { every: 5m }\nsteps:\n`;

describe('parseJourney: valid journeys', () => {
  it('parses the example journeys and fills defaults', () => {
    for (const file of ['checkout.yaml', 'home.yaml']) {
      const source = readFileSync(join(JOURNEYS_DIR, file), 'utf8');
      const r = parseJourney(source, file);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) expect(r.contentHash).toBe(journeyContentHash(source));
    }
    const j = valid(`${head}  - goto: /\n`);
    expect(j).toMatchObject({ locations: ['local'], device: 'desktop', network: 'none', cpuSlowdown: 1, variables: {}, timeoutMs: 60_000 });
  });

  it('gives the sha256 of the source as content hash', () => {
    const r = parseJourney(`${head}  - goto: /\n`, 'j.yaml');
    expect(r.ok && r.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const other = parseJourney(`${head}  - goto: /x\n`, 'j.yaml');
    expect(other.ok && other.contentHash).not.toBe(r.ok && r.contentHash);
  });

  it('accepts every step kind in shorthand and object form, and normalises them', () => {
    const j = valid(`name: all-steps
schedule: { cron: '*/5 * * * *', timezone: Europe/Berlin }
device: { viewport: { width: 800, height: 600 }, mobile: true, userAgent: Test/1.0, deviceScaleFactor: 2 }
network: { latencyMs: 100, downloadKbps: 2000, uploadKbps: 500 }
cpuSlowdown: 4
variables: { Q: coffee }
steps:
  - goto: /product/42
    route: /product/:id
  - goto: { url: '/search?q=\${{ vars.Q }}', waitUntil: domcontentloaded, timeoutMs: 5000 }
  - click: '#buy'
  - click: { selector: '#buy', timeoutMs: 5000, optional: true }
  - fill: { selector: '#email', value: a@b.c }
  - press: Enter
  - press: { selector: '#email', key: Tab }
  - select: { selector: '#country', value: BR }
  - select: { selector: '#toppings', value: [milk, sugar] }
  - hover: '#menu'
  - scroll: bottom
  - scroll: { selector: '#reviews' }
  - scroll: { y: 400 }
  - waitFor: '#cart'
  - waitFor: { selector: '#spinner', state: hidden }
  - waitFor: { url: /checkout }
  - waitFor: { loadState: networkidle }
  - expect: { selector: h1, visible: true, text: Welcome, count: 1 }
  - expect: { url: /cart, title: Shop }
  - mark: cart-ready
  - mark: { name: other-mark }
  - screenshot: cart
  - screenshot: { fullPage: true }
    name: full
`);
    const steps = j.steps.map((s, i) => normalizeStep(s, i));
    expect(steps.map((s) => s.action)).toEqual([
      'goto', 'goto', 'click', 'click', 'fill', 'press', 'press', 'select', 'select', 'hover', 'scroll', 'scroll', 'scroll',
      'waitFor', 'waitFor', 'waitFor', 'waitFor', 'expect', 'expect', 'mark', 'mark', 'screenshot', 'screenshot',
    ]);
    expect(steps[0]).toEqual({ index: 0, action: 'goto', url: '/product/42', route: '/product/:id', optional: false, name: 'goto /product/42' });
    expect(steps[1]).toMatchObject({ url: '/search?q=${{ vars.Q }}', waitUntil: 'domcontentloaded', timeoutMs: 5000 });
    expect(steps[3]).toMatchObject({ action: 'click', selector: '#buy', timeoutMs: 5000, optional: true, name: 'click #buy' });
    expect(steps[4]).toMatchObject({ selector: '#email', value: 'a@b.c', name: 'fill #email' });
    expect(steps[5]).toMatchObject({ key: 'Enter', name: 'press Enter' });
    expect(steps[8]).toMatchObject({ values: ['milk', 'sugar'] });
    expect(steps[10]).toMatchObject({ to: 'bottom' });
    expect(steps[12]).toMatchObject({ y: 400, name: 'scroll by 0,400' });
    expect(steps[14]).toMatchObject({ selector: '#spinner', state: 'hidden' });
    expect(steps[17]).toMatchObject({ name: 'expect h1 visible text "Welcome" count 1' });
    expect(steps[19]).toMatchObject({ action: 'mark', name: 'cart-ready' });
    expect(steps[20]).toMatchObject({ action: 'mark', name: 'other-mark' });
    expect(steps[21]).toMatchObject({ action: 'screenshot', name: 'cart', fullPage: false });
    expect(steps[22]).toMatchObject({ action: 'screenshot', name: 'full', fullPage: true });
  });
});

describe('parseJourney: YAML syntax errors', () => {
  it('reports the exact line and column of a nested mapping in a compact one', () => {
    const errors = errorsOf(`name: shop\nschedule: { every: 5m }\nsteps:\n  - click: a: b\n`);
    expect(errors).toEqual([
      { file: 'j.yaml', line: 4, col: 12, schemaPath: '', message: 'Nested mappings are not allowed in compact mappings' },
    ]);
  });

  it('reports a misaligned sequence item where it starts', () => {
    const errors = errorsOf(`name: shop\nschedule: { every: 5m }\nsteps:\n  - goto: /\n   - click: x\n`);
    expect(errors[0]).toMatchObject({ line: 5, col: 4, message: 'All sequence items must start at the same column' });
  });

  it('reports a tab indentation error where the tab is', () => {
    const errors = errorsOf(`name: shop\nschedule:\n\tevery: 5m\nsteps: []\n`);
    expect(errors[0]).toMatchObject({ line: 3, col: 1 });
  });

  it('reports duplicate keys at the second key', () => {
    const errors = errorsOf(`name: a\nname: b\nschedule: { every: 5m }\nsteps:\n  - goto: /\n`);
    expect(errors).toEqual([{ file: 'j.yaml', line: 2, col: 1, schemaPath: '', message: expect.stringMatching(/unique/i) }]);
  });

  it('rejects an empty file', () => {
    expect(errorsOf('# nothing\n')[0].message).toMatch(/empty/);
  });
});

describe('parseJourney: schema errors', () => {
  it('points a wrong value type at the value, with the schema path', () => {
    const errors = errorsOf(`${head}  - goto: /\n  - click: { selector: 5 }\n`);
    expect(errors).toEqual([{ file: 'j.yaml', line: 5, col: 24, schemaPath: 'steps[1].click.selector', message: 'expected string, received number' }]);
  });

  it('points an unknown key at the key, with a suggestion', () => {
    const errors = errorsOf(`${head}  - click: '#a'\n    timeout: 5\n`);
    expect(errors).toEqual([
      { file: 'j.yaml', line: 5, col: 5, schemaPath: 'steps[0].timeout', message: 'unknown key "timeout"; did you mean "timeoutMs"?' },
    ]);
  });

  it('names an unknown action and suggests the right one', () => {
    const [e] = errorsOf(`${head}  - goto: /\n  - clik: '#a'\n`);
    expect(e).toMatchObject({ line: 5, col: 5, schemaPath: 'steps[1].clik' });
    expect(e.message).toMatch(/unknown step action "clik"; did you mean "click"\?/);
  });

  it('rejects a step with two actions', () => {
    const [e] = errorsOf(`${head}  - click: '#a'\n    fill: x\n`);
    expect(e).toMatchObject({ line: 5, col: 5, schemaPath: 'steps[0].fill', message: 'a step has exactly one action, found click and fill' });
  });

  it('reports a missing required key at the object that lacks it', () => {
    const [e] = errorsOf(`${head}  - fill: { selector: '#a' }\n`);
    expect(e).toMatchObject({ line: 4, col: 11, schemaPath: 'steps[0].fill', message: 'missing required key "value" (string)' });
    const [top] = errorsOf(`name: shop\nsteps:\n  - goto: /\n`);
    expect(top).toMatchObject({ line: 1, col: 1, schemaPath: '(root)', message: 'missing required key "schedule"' });
  });

  it('reports an empty action value at its key', () => {
    const [e] = errorsOf(`${head}  - goto:\n`);
    expect(e).toMatchObject({ line: 4, col: 5, schemaPath: 'steps[0].goto', message: 'expected string or object, got null' });
  });

  it('lists the allowed presets for an unknown device or network', () => {
    const errors = errorsOf(`name: shop\nschedule: { every: 5m }\ndevice: ipad\nnetwork: 5g\nsteps:\n  - goto: /\n`);
    expect(errors).toEqual([
      { file: 'j.yaml', line: 3, col: 9, schemaPath: 'device', message: 'expected one of "desktop", "iphone-13", "pixel-7", got "ipad"' },
      { file: 'j.yaml', line: 4, col: 10, schemaPath: 'network', message: 'expected one of "none", "cable", "4g", "3g", "slow-3g", got "5g"' },
    ]);
  });

  it('checks ranges and cross-field rules of step arguments', () => {
    const errors = errorsOf(`name: shop
schedule: { every: 5m }
cpuSlowdown: 50
steps:
  - expect: { text: hello }
  - waitFor: { url: /a, loadState: load }
  - goto: /
    route: product/:id
`);
    expect(errors.map((e) => [e.line, e.col, e.schemaPath])).toEqual([
      [3, 14, 'cpuSlowdown'],
      [5, 13, 'steps[0].expect'],
      [6, 14, 'steps[1].waitFor'],
      [8, 12, 'steps[2].route'],
    ]);
    expect(errors[1].message).toBe('visible, text and count need a selector');
    expect(errors[2].message).toBe('waitFor needs exactly one of: selector, url, loadState');
    expect(errors[3].message).toBe('a route template starts with "/"');
  });

  it('rejects a bad template namespace at the value that holds it', () => {
    const [e] = errorsOf(`${head}  - fill: { selector: '#a', value: '\${{ env.PASSWORD }}' }\n`);
    expect(e).toMatchObject({ line: 4, col: 36, schemaPath: 'steps[0].fill.value' });
    expect(e.message).toMatch(/use \$\{\{ vars.NAME \}\} or \$\{\{ secrets.NAME \}\}/);
  });

  it('reports errors in several places at once, in file order', () => {
    const errors = errorsOf(`name: shop\nschedule: { every: 5m }\nlocations: []\nsteps:\n  - click: 3\n  - goto: /\n    optional: yes\n`);
    expect(errors.map((e) => e.schemaPath)).toEqual(['locations', 'steps[0].click', 'steps[1].optional']);
  });
});

describe('schedules', () => {
  it('accepts intervals and rejects malformed or out-of-range ones', () => {
    expect(everyToMs('30s')).toBe(30_000);
    expect(everyToMs('5m')).toBe(300_000);
    expect(everyToMs('1h')).toBe(3_600_000);
    expect(everyToMs('5x')).toBeUndefined();
    const [bad] = errorsOf(`name: shop\nschedule:\n  every: 5 minutes\nsteps:\n  - goto: /\n`);
    expect(bad).toMatchObject({ line: 3, col: 10, schemaPath: 'schedule.every', message: 'use a number and a unit: "30s", "5m", "1h"' });
    expect(errorsOf(`name: shop\nschedule: { every: 1s }\nsteps:\n  - goto: /\n`)[0].message).toBe('the shortest interval is 10s');
  });

  it('validates cron patterns with croner, pointing at the pattern', () => {
    expect(cronError('*/5 * * * *')).toBeUndefined();
    expect(cronError('0 0 9 * * MON-FRI')).toBeUndefined();
    expect(cronError('61 * * * *')).toMatch(/minute/);
    expect(cronError('* * * * *', 'Mars/Base')).toBe('unknown time zone "Mars/Base"');
    expect(valid(`name: shop\nschedule: { cron: '0 3 * * *' }\nsteps:\n  - goto: /\n`).schedule).toEqual({ cron: '0 3 * * *' });
    const [e] = errorsOf(`name: shop\nschedule:\n  cron: '61 * * * *'\nsteps:\n  - goto: /\n`);
    expect(e).toMatchObject({ line: 3, col: 9, schemaPath: 'schedule.cron' });
    expect(e.message).toMatch(/^invalid cron pattern: .*minute/);
    expect(errorsOf(`name: shop\nschedule: { cron: 'every day' }\nsteps:\n  - goto: /\n`)[0].schemaPath).toBe('schedule.cron');
    const [tz] = errorsOf(`name: shop\nschedule: { cron: '0 3 * * *', timezone: Mars/Base }\nsteps:\n  - goto: /\n`);
    expect(tz).toMatchObject({ line: 2, col: 42, schemaPath: 'schedule.timezone', message: expect.stringMatching(/^unknown time zone/) });
  });

  it('rejects a schedule with neither every nor cron', () => {
    const errors = errorsOf(`name: shop\nschedule: { at: '9:00' }\nsteps:\n  - goto: /\n`);
    expect(errors).toEqual([
      { file: 'j.yaml', line: 2, col: 11, schemaPath: 'schedule', message: 'needs one of: every, cron' },
      { file: 'j.yaml', line: 2, col: 13, schemaPath: 'schedule.at', message: 'unknown key "at"' },
    ]);
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets', () => {
    expect(formatPath(['steps', 3, 'click', 'selector'])).toBe('steps[3].click.selector');
    expect(formatPath([])).toBe('(root)');
  });
});
