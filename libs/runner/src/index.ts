export {
  HttpAgentTransport,
  AgentTransportError,
  transportErrorCode,
  type AgentTransport,
  type AgentSnippet,
  type AgentTransportErrorCode,
  type HttpAgentTransportOptions,
} from './transport';
export { BrowserPool, CHROMIUM_ARGS, launchOptionsFor, type BrowserPoolOptions } from './browser-pool';
export {
  resolveBrowser,
  pickBrowser,
  browserVersion,
  BrowserNotFoundError,
  SYSTEM_CHROMIUM_PATH,
  type BrowserChoice,
  type BrowserProbes,
  type BrowserSource,
  type ResolvedBrowser,
  type ResolveBrowserOptions,
} from './browser-resolver';
export { contextOptionsFor, applyThrottling } from './browser-profile';
export { MAX_SCREENSHOT_BYTES, captureJpeg, resolveUrl } from './step-actions';
export {
  runJourney,
  DEFAULT_STEP_TIMEOUT_MS,
  type RunJourneyOptions,
  type RunRecord,
  type StepRecord,
  type StepStatus,
  type RunMark,
  type FailedRequest,
  type RunScreenshot,
} from './journey-executor';
export { executeClaimedRun, toReportFields, type ExecuteRunOptions } from './execute';
export { secretsFromEnv, missingSecrets, missingSecretsMessage, SECRET_ENV_PREFIX, type SecretsFromEnvOptions } from './secrets';
export { ChromiumRunExecutor, type RunExecutor, type RunExecutionContext, type ChromiumRunExecutorOptions } from './executor';
export { AgentRunner, type AgentRunnerOptions, type AgentRunnerStatus, type AgentLogger } from './runner';
export { Backoff, Waker } from './timing';

/** Version agents report at registration. */
export const RUNNER_VERSION = '0.1.0';
