import { Cron } from 'croner';
import { z } from 'zod';
import { DEVICE_PRESET_NAMES, NETWORK_PRESET_NAMES } from './preset-names';
import { checkTemplates } from './template-syntax';

/** Step names that may appear as the action key of a step, in the order the schema lists them. */
export const STEP_ACTIONS = ['goto', 'click', 'fill', 'press', 'select', 'hover', 'scroll', 'waitFor', 'expect', 'mark', 'screenshot'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Page load states goto may wait for (Playwright's names). */
export const LOAD_STATES = ['load', 'domcontentloaded', 'networkidle', 'commit'] as const;
/** Load states waitFor accepts ('commit' is only meaningful while navigating). */
export const WAIT_LOAD_STATES = ['load', 'domcontentloaded', 'networkidle'] as const;

const EVERY_PATTERN = /^([1-9][0-9]*)(s|m|h)$/;
const EVERY_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const MIN_EVERY_MS = 10_000;
const MAX_EVERY_MS = 24 * 3_600_000;

/** Interval of an `every` schedule ('30s', '5m', '1h') in milliseconds; undefined when malformed. */
export function everyToMs(every: string): number | undefined {
  const m = EVERY_PATTERN.exec(every);
  if (!m) return undefined;
  return Number(m[1]) * EVERY_UNIT_MS[m[2] as keyof typeof EVERY_UNIT_MS];
}

/** Why a cron pattern is invalid (croner's own message), or undefined when croner accepts it. */
export function cronError(pattern: string, timezone?: string): string | undefined {
  // croner accepts any time zone name at construction and fails only when computing a run
  if (timezone !== undefined && !isTimeZone(timezone)) return `unknown time zone "${timezone}"`;
  try {
    // paused: croner must only parse here, never arm a timer
    new Cron(pattern, { paused: true, timezone });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A string that may hold `${{ vars.NAME }}` / `${{ secrets.NAME }}` templates, checked for syntax. */
const templated = (description?: string) =>
  z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      for (const message of checkTemplates(value)) ctx.addIssue({ code: 'custom', message });
    })
    .meta(description ? { description } : {});

const selector = templated('Playwright selector, e.g. "#buy", "text=Add to cart", "role=button[name=Buy]"');
const positiveMs = z.number().int().min(1).max(600_000);

/** Fields every step accepts, beside its action key or inside the action's object form. */
const stepCommonShape = {
  name: z.string().min(1).max(200).optional().meta({ description: 'Label shown in results; defaults to a summary of the action' }),
  timeoutMs: positiveMs.optional().meta({ description: 'Time this step may take before it fails' }),
  optional: z.boolean().optional().meta({ description: 'A failure of this step is recorded but does not fail the run' }),
  route: z
    .string()
    .regex(/^\//, 'a route template starts with "/"')
    .max(300)
    .optional()
    .meta({ description: 'RUM route template this step exercises, e.g. /product/:id; derived from the URL when absent' }),
};

const gotoArgs = z.strictObject({
  url: templated('URL, absolute or relative to the base URL'),
  waitUntil: z.enum(LOAD_STATES).optional(),
  ...stepCommonShape,
});
const selectorArgs = z.strictObject({ selector, ...stepCommonShape });
const fillArgs = z.strictObject({ selector, value: z.string().superRefine(templateCheck), ...stepCommonShape });
const pressArgs = z.strictObject({
  key: z.string().min(1).meta({ description: 'Key or chord, e.g. Enter, Tab, Control+A' }),
  selector: selector.optional(),
  ...stepCommonShape,
});
const selectArgs = z.strictObject({
  selector,
  value: z.union([templated(), z.array(templated()).min(1)]).meta({ description: 'Option value(s) to select' }),
  ...stepCommonShape,
});
const scrollArgs = z
  .strictObject({
    selector: selector.optional(),
    to: z.enum(['top', 'bottom']).optional(),
    x: z.number().optional().meta({ description: 'Horizontal scroll by this many pixels' }),
    y: z.number().optional().meta({ description: 'Vertical scroll by this many pixels' }),
    ...stepCommonShape,
  })
  .refine((s) => [s.selector, s.to, s.x ?? s.y].filter((v) => v !== undefined).length === 1, {
    message: 'scroll needs exactly one of: selector, to, x/y',
  });
const waitForArgs = z
  .strictObject({
    selector: selector.optional(),
    state: z.enum(['visible', 'hidden', 'attached', 'detached']).optional().meta({ description: 'With selector; default visible' }),
    url: templated('Substring of the URL to wait for').optional(),
    loadState: z.enum(WAIT_LOAD_STATES).optional(),
    ...stepCommonShape,
  })
  .refine((s) => [s.selector, s.url, s.loadState].filter((v) => v !== undefined).length === 1, {
    message: 'waitFor needs exactly one of: selector, url, loadState',
  });
const expectArgs = z
  .strictObject({
    selector: selector.optional(),
    visible: z.boolean().optional().meta({ description: 'With selector: true = visible, false = hidden or absent' }),
    text: templated('With selector: the element text contains this').optional(),
    count: z.number().int().min(0).optional().meta({ description: 'With selector: exactly this many matches' }),
    url: templated('The page URL contains this').optional(),
    title: templated('The page title contains this').optional(),
    ...stepCommonShape,
  })
  .refine((s) => [s.visible, s.text, s.count, s.url, s.title].some((v) => v !== undefined), {
    message: 'expect needs at least one of: visible, text, count, url, title',
  })
  .refine((s) => s.selector !== undefined || [s.visible, s.text, s.count].every((v) => v === undefined), {
    message: 'visible, text and count need a selector',
  });
const markArgs = z.strictObject({ ...stepCommonShape, name: z.string().min(1).max(200) });
const screenshotArgs = z.strictObject({ fullPage: z.boolean().optional(), ...stepCommonShape });

function templateCheck(value: string, ctx: z.RefinementCtx): void {
  for (const message of checkTemplates(value)) ctx.addIssue({ code: 'custom', message });
}

/** Wraps one action into its step object: the action key plus the common fields. */
function step<K extends StepAction, T extends z.ZodType>(action: K, arg: T, doc: string) {
  const shape = { [action]: arg.meta({ description: doc }), ...stepCommonShape } as { [P in K]: T } & typeof stepCommonShape;
  return z.strictObject(shape).meta({ title: action });
}

export const stepSchemas = {
  goto: step('goto', z.union([templated('URL, absolute or relative to the base URL'), gotoArgs]), 'Open a URL'),
  click: step('click', z.union([selector, selectorArgs]), 'Click an element'),
  fill: step('fill', fillArgs, 'Type a value into an input'),
  press: step('press', z.union([z.string().min(1), pressArgs]), 'Press a key (on the focused element, or on selector)'),
  select: step('select', selectArgs, 'Choose option(s) of a <select>'),
  hover: step('hover', z.union([selector, selectorArgs]), 'Move the mouse over an element'),
  scroll: step('scroll', z.union([z.enum(['top', 'bottom']), scrollArgs]), 'Scroll the page, or an element into view'),
  waitFor: step('waitFor', z.union([selector, waitForArgs]), 'Wait for a selector, a URL or a load state'),
  expect: step('expect', expectArgs, 'Assert on the page; polls until the step timeout'),
  mark: step('mark', z.union([z.string().min(1).max(200), markArgs]), 'Record a named timing'),
  screenshot: step('screenshot', z.union([z.string().min(1).max(200), screenshotArgs]), 'Capture a JPEG of the page'),
};

/** One step as written in YAML: exactly one action key plus optional common fields. */
export const journeyStepSchema = z.union([
  stepSchemas.goto,
  stepSchemas.click,
  stepSchemas.fill,
  stepSchemas.press,
  stepSchemas.select,
  stepSchemas.hover,
  stepSchemas.scroll,
  stepSchemas.waitFor,
  stepSchemas.expect,
  stepSchemas.mark,
  stepSchemas.screenshot,
]);

export const scheduleSchema = z.union([
  z.strictObject({
    every: z
      .string()
      .regex(EVERY_PATTERN, 'use a number and a unit: "30s", "5m", "1h"')
      .superRefine((v, ctx) => {
        const ms = everyToMs(v);
        // a malformed value already has the pattern's message
        if (ms !== undefined && ms < MIN_EVERY_MS) ctx.addIssue({ code: 'custom', message: 'the shortest interval is 10s' });
        if (ms !== undefined && ms > MAX_EVERY_MS) ctx.addIssue({ code: 'custom', message: 'the longest interval is 24h' });
      })
      .meta({ description: 'Run interval: "30s", "5m", "1h"' }),
  }),
  z
    .strictObject({
      cron: z.string().min(1).meta({ description: 'Cron pattern, 5 fields (or 6 with seconds), e.g. "*/5 * * * *"' }),
      timezone: z
        .string()
        .refine(isTimeZone, 'unknown time zone (use an IANA name such as Europe/Berlin)')
        .optional()
        .meta({ description: 'IANA time zone for the cron pattern; default UTC' }),
    })
    .superRefine((s, ctx) => {
      if (s.timezone !== undefined && !isTimeZone(s.timezone)) return; // reported on timezone
      const why = cronError(s.cron, s.timezone);
      if (why) ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron pattern: ${why}` });
    }),
]);

const deviceObject = z.strictObject({
  viewport: z.strictObject({ width: z.number().int().min(200).max(8000), height: z.number().int().min(200).max(8000) }),
  mobile: z.boolean().optional(),
  userAgent: z.string().min(1).optional(),
  deviceScaleFactor: z.number().min(0.5).max(5).optional(),
  hasTouch: z.boolean().optional(),
});

const networkObject = z.strictObject({
  latencyMs: z.number().min(0).max(10_000).meta({ description: 'Added round-trip latency' }),
  downloadKbps: z.number().min(1).max(10_000_000),
  uploadKbps: z.number().min(1).max(10_000_000),
});

/** The journey file, as validated (and as the JSON Schema for editors describes it). */
export const journeySchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, ".", "_" and "-" only, starting with a letter or digit')
      .max(100)
      .meta({ description: 'Unique name of the journey' }),
    description: z.string().max(1000).optional(),
    site: z.string().min(1).max(200).optional().meta({ description: 'Site the journey belongs to (name or site key); may be omitted when the server has exactly one site' }),
    baseUrl: z.url({ protocol: /^https?$/ }).optional().meta({ description: 'Site the relative URLs resolve against; the runner may override it' }),
    schedule: scheduleSchema.meta({ description: '{ every: "5m" } or { cron: "*/5 * * * *" }' }),
    locations: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_"').max(64))
      .min(1)
      .default(['local'])
      .meta({ description: 'Locations (agents) that run this journey' }),
    device: z.union([z.enum(DEVICE_PRESET_NAMES), deviceObject]).default('desktop').meta({ description: 'Preset name or a custom device' }),
    network: z.union([z.enum(NETWORK_PRESET_NAMES), networkObject]).default('none').meta({ description: 'Preset name or custom throttling' }),
    cpuSlowdown: z.number().min(1).max(20).default(1).meta({ description: 'CPU slow-down factor (1 = none)' }),
    variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are identifiers'), z.string()).default({}),
    timeoutMs: z.number().int().min(1000).max(900_000).default(60_000).meta({ description: 'Time the whole run may take' }),
    steps: z.array(journeyStepSchema).min(1).max(200),
  })
  .meta({ title: 'Parallax journey', description: 'A scripted user path run on a schedule by Parallax agents' });

/** A journey's schedule in the scheduler's terms: an interval or a cron pattern (with its time zone). */
export function scheduleTiming(schedule: z.infer<typeof scheduleSchema>): { intervalMs: number | null; cron: string | null; timezone: string | null } {
  if ('every' in schedule) return { intervalMs: everyToMs(schedule.every) ?? null, cron: null, timezone: null };
  return { intervalMs: null, cron: schedule.cron, timezone: schedule.timezone ?? null };
}

/** A journey file as validated: defaults filled in. */
export type JourneyFile = z.infer<typeof journeySchema>;
export type JourneyInput = z.input<typeof journeySchema>;
export type JourneyStep = JourneyFile['steps'][number];
export type DeviceSpec = JourneyFile['device'];
export type NetworkSpec = JourneyFile['network'];

/**
 * Which defaulted fields the file set itself: an unset device or network takes its location's defaults
 * at claim time, a set one is the file's word (even when it names the default).
 */
export const setByFileSchema = z.strictObject({ device: z.boolean(), network: z.boolean() });
export type JourneySetByFile = z.infer<typeof setByFileSchema>;

/** The parsed journey as it travels from the file to the agent (stored, then claimed): the file plus its flags. */
export const journeyModelSchema = journeySchema.extend({ setByFile: setByFileSchema });
export type Journey = z.infer<typeof journeyModelSchema>;
