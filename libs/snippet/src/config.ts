/**
 * Per-site configuration the server writes in front of the bundle as `window.__pxc={...};`.
 * Shared by the Node side (which renders it) and the browser code (which reads it); types only.
 */
export interface SnippetConfig {
  /** Public site key, copied into every beacon. */
  siteKey: string;
  /** Absolute URL of the collect endpoint. */
  endpoint: string;
  /** Share of page views to send, 0..1; decided once per page view. Defaults to 1. */
  sampleRate?: number;
  /** Set by the synthetic agent only: copied into every beacon so the server keeps the run apart. */
  syntheticRunId?: string;
}
