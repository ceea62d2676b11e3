import type { JourneyStep, StepAction } from './schema';
import { LOAD_STATES, STEP_ACTIONS, WAIT_LOAD_STATES } from './schema';

export type LoadState = (typeof LOAD_STATES)[number];
export type WaitLoadState = (typeof WAIT_LOAD_STATES)[number];

/** Fields every normalised step carries. */
export interface StepBase {
  /** Position in the journey, from 0. */
  index: number;
  action: StepAction;
  /** The step's own name, or a summary of the action built before templates are resolved (so it holds no secret). */
  name: string;
  timeoutMs?: number;
  optional: boolean;
  route?: string;
}

export interface GotoStep extends StepBase { action: 'goto'; url: string; waitUntil?: LoadState }
export interface ClickStep extends StepBase { action: 'click'; selector: string }
export interface HoverStep extends StepBase { action: 'hover'; selector: string }
export interface FillStep extends StepBase { action: 'fill'; selector: string; value: string }
export interface PressStep extends StepBase { action: 'press'; key: string; selector?: string }
export interface SelectStep extends StepBase { action: 'select'; selector: string; values: string[] }
export interface ScrollStep extends StepBase { action: 'scroll'; selector?: string; to?: 'top' | 'bottom'; x?: number; y?: number }
export interface WaitForStep extends StepBase {
  action: 'waitFor';
  selector?: string;
  state?: 'visible' | 'hidden' | 'attached' | 'detached';
  url?: string;
  loadState?: WaitLoadState;
}
export interface ExpectStep extends StepBase {
  action: 'expect';
  selector?: string;
  visible?: boolean;
  text?: string;
  count?: number;
  url?: string;
  title?: string;
}
/** The mark's name is the step name. */
export interface MarkStep extends StepBase { action: 'mark' }
/** The screenshot is labelled with the step name. */
export interface ScreenshotStep extends StepBase { action: 'screenshot'; fullPage: boolean }

/** A step in one flat shape per action, whatever YAML form it was written in. */
export type NormalizedStep =
  | GotoStep
  | ClickStep
  | HoverStep
  | FillStep
  | PressStep
  | SelectStep
  | ScrollStep
  | WaitForStep
  | ExpectStep
  | MarkStep
  | ScreenshotStep;

/** The action key of a raw step object (exactly one is present after validation). */
export function stepAction(step: JourneyStep): StepAction {
  const action = STEP_ACTIONS.find((a) => a in step);
  if (!action) throw new Error('step without an action');
  return action;
}

type Common = { name?: string; timeoutMs?: number; optional?: boolean; route?: string };

/** Turns a validated YAML step (shorthand or object form) into its flat, normalised shape. */
export function normalizeStep(step: JourneyStep, index: number): NormalizedStep {
  const action = stepAction(step);
  const raw = (step as Record<string, unknown>)[action];
  const inner: Common & Record<string, unknown> = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Common) : {};
  const outer = step as Common;
  const { name: innerName, timeoutMs: innerTimeout, optional: innerOptional, route: innerRoute, ...args } = inner;
  // common fields may sit beside the action key or inside its object; the inner one is the more specific
  const common = {
    index,
    timeoutMs: innerTimeout ?? outer.timeoutMs,
    optional: innerOptional ?? outer.optional ?? false,
    route: innerRoute ?? outer.route,
  };
  const explicitName = innerName ?? outer.name;
  const str = typeof raw === 'string' ? raw : undefined;
  const a = args as Record<string, any>;
  let body: { action: StepAction } & Record<string, unknown>;
  switch (action) {
    case 'goto':
      body = { action, url: str ?? a.url, waitUntil: a.waitUntil };
      break;
    case 'click':
    case 'hover':
      body = { action, selector: str ?? a.selector };
      break;
    case 'fill':
      body = { action, selector: a.selector, value: a.value };
      break;
    case 'press':
      body = { action, key: str ?? a.key, selector: a.selector };
      break;
    case 'select':
      body = { action, selector: a.selector, values: Array.isArray(a.value) ? a.value : [a.value] };
      break;
    case 'scroll':
      body = str ? { action, to: str as 'top' | 'bottom' } : { action, selector: a.selector, to: a.to, x: a.x, y: a.y };
      break;
    case 'waitFor':
      body = str ? { action, selector: str } : { action, selector: a.selector, state: a.state, url: a.url, loadState: a.loadState };
      break;
    case 'expect':
      body = { action, selector: a.selector, visible: a.visible, text: a.text, count: a.count, url: a.url, title: a.title };
      break;
    case 'mark':
      body = { action };
      break;
    case 'screenshot':
      body = { action, fullPage: a.fullPage ?? false };
      break;
  }
  const withoutUndefined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const markName = action === 'mark' || action === 'screenshot' ? (str ?? explicitName) : undefined;
  const name = markName ?? explicitName ?? summarize({ ...withoutUndefined, action });
  return { ...withoutUndefined, ...Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined)), name } as NormalizedStep;
}

/** Default step label, e.g. `click #buy`, `expect title "Shop"`; never includes a fill value. */
function summarize(step: { action: StepAction } & Record<string, unknown>): string {
  const s = step as Record<string, any>;
  switch (step.action) {
    case 'goto':
      return `goto ${s.url}`;
    case 'click':
    case 'hover':
    case 'fill':
    case 'select':
      return `${step.action} ${s.selector}`;
    case 'press':
      return s.selector ? `press ${s.key} on ${s.selector}` : `press ${s.key}`;
    case 'scroll':
      return s.selector ? `scroll to ${s.selector}` : s.to ? `scroll to ${s.to}` : `scroll by ${s.x ?? 0},${s.y ?? 0}`;
    case 'waitFor':
      return s.selector ? `wait for ${s.selector}` : s.url ? `wait for url ${s.url}` : `wait for ${s.loadState}`;
    case 'expect': {
      const parts: string[] = [];
      if (s.selector) parts.push(s.selector);
      if (s.visible !== undefined) parts.push(s.visible ? 'visible' : 'hidden');
      if (s.text !== undefined) parts.push(`text "${s.text}"`);
      if (s.count !== undefined) parts.push(`count ${s.count}`);
      if (s.url !== undefined) parts.push(`url "${s.url}"`);
      if (s.title !== undefined) parts.push(`title "${s.title}"`);
      return `expect ${parts.join(' ')}`;
    }
    default:
      return step.action;
  }
}
