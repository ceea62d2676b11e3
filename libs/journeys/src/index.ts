export {
  STEP_ACTIONS,
  LOAD_STATES,
  WAIT_LOAD_STATES,
  journeySchema,
  journeyStepSchema,
  scheduleSchema,
  everyToMs,
  scheduleTiming,
  cronError,
  journeyModelSchema,
  setByFileSchema,
  type Journey,
  type JourneyFile,
  type JourneySetByFile,
  type JourneyInput,
  type JourneyStep,
  type StepAction,
  type DeviceSpec,
  type NetworkSpec,
} from './schema';
export { parseJourney, journeyContentHash, formatPath, type JourneyError, type ParseJourneyResult } from './parse';
export { validateJourneyFolder, listJourneyFiles, type JourneyFileResult } from './folder';
export { journeyJsonSchema, writeJourneySchema, JOURNEY_SCHEMA_ID } from './json-schema';
export { normalizeStep, stepAction, type NormalizedStep, type StepBase, type ExpectStep } from './steps';
export {
  resolveTemplates,
  templateReferences,
  checkTemplates,
  SecretMasker,
  secretUrlForms,
  JourneyTemplateError,
  MASK,
  type TemplateValues,
  type ResolvedJourney,
} from './templates';
export {
  DEVICE_PRESETS,
  DEVICE_PRESET_NAMES,
  NETWORK_PRESETS,
  NETWORK_PRESET_NAMES,
  deviceProfile,
  networkProfile,
  type DeviceProfile,
  type NetworkProfile,
  type DevicePresetName,
  type NetworkPresetName,
} from './profiles';
export { deriveRoute, routeOfUrl } from './route';
export { runJourneysCli } from './cli';
