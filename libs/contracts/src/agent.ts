import { z } from 'zod';
import type { Journey } from '@parallax/journeys/schema';

/**
 * Wire types between the server and location agents (HTTP, `Authorization: Bearer <agent token>`), also used
 * by the server's in-process agent through a direct transport. Endpoints, all POST, JSON:
 *   /api/agent/register   AgentRegistration -> AgentSession
 *   /api/agent/heartbeat  AgentHeartbeat -> { ok: true }           (extends the leases of runningRunIds)
 *   /api/agent/claim      ClaimRequest -> ClaimedRun[]              (due runs of the agent's location, leased)
 *   /api/agent/runs/:runId/result  RunReport -> { status }           (only by the agent holding the lease)
 *   GET /api/agent/snippet -> { bundle, hash }                      (the RUM snippet to inject, core build)
 */

export interface AgentRegistration {
  location: string;
  /** Free-form name of this agent process (host name); not a secret. */
  name: string;
  version: string;
  concurrency: number;
}

export interface AgentSession {
  agentId: string;
  /** Send a heartbeat at least this often; leases last `leaseMs` from each heartbeat. */
  heartbeatMs: number;
  leaseMs: number;
  /** Poll for due runs this often when idle. */
  pollMs: number;
}

export interface AgentHeartbeat {
  agentId: string;
  runningRunIds: string[];
}

export interface ClaimRequest {
  agentId: string;
  /** Most runs to claim now (free slots of the agent). */
  max: number;
}

/** A run handed to an agent: everything needed to execute it, secrets excepted (the agent has those). */
export interface ClaimedRun {
  runId: string;
  siteId: string;
  siteKey: string;
  journeyId: string;
  journeyName: string;
  /** The journey as parsed and validated by the server from its file, with the location's defaults applied. */
  journey: Journey;
  /** Base URL relative step URLs resolve against (journey.baseUrl). */
  baseUrl: string | null;
  /** Absolute URL of the beacon collector, for the injected snippet. */
  collectUrl: string;
  attempt: number;
  dueAt: string;
  leaseExpiresAt: string;
}

export type RunStepStatus = 'passed' | 'failed' | 'skipped';

export interface RunStepReport {
  index: number;
  name: string;
  action: string;
  route: string | null;
  status: RunStepStatus;
  durationMs: number;
  error?: string;
  url?: string;
}

/** What an agent reports for a run; every string already masked of secrets by the agent. */
export interface RunReport {
  agentId: string;
  status: 'passed' | 'failed';
  startedAt: string;
  durationMs: number;
  steps: RunStepReport[];
  marks: { name: string; atMs: number }[];
  consoleErrors: string[];
  failedRequests: { url: string; status?: number; failure?: string }[];
  failedStepIndex?: number;
  /** Run-level error (timeout, browser crash, missing secret). */
  error?: string;
  /** JPEG, base64, at most ~500 KB decoded; only on failure. */
  screenshotBase64?: string;
  /** Images of `screenshot:` steps (JPEG, base64), as many as fit the upload (see STEP_SCREENSHOTS_MAX_BASE64). */
  stepScreenshots?: { stepIndex: number; base64: string }[];
}

/** Total base64 of step screenshots one report may carry (the failure screenshot and steps share a 2 MB body). */
export const STEP_SCREENSHOTS_MAX_BASE64 = 900_000;

export const RUN_STATUSES = ['queued', 'running', 'passed', 'failed', 'degraded', 'retried', 'lost'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];


const text = (max: number) => z.string().max(max);

/** Runtime validators of what agents send (the server checks every request against these). */
export const agentRegistrationSchema = z.strictObject({
  location: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: text(200).min(1),
  version: text(50).min(1),
  concurrency: z.number().int().min(1).max(64),
}) satisfies z.ZodType<AgentRegistration>;

export const agentHeartbeatSchema = z.strictObject({
  agentId: z.uuid(),
  runningRunIds: z.array(z.uuid()).max(256),
}) satisfies z.ZodType<AgentHeartbeat>;

export const claimRequestSchema = z.strictObject({
  agentId: z.uuid(),
  max: z.number().int().min(0).max(64),
}) satisfies z.ZodType<ClaimRequest>;

export const runReportSchema = z.strictObject({
  agentId: z.uuid(),
  status: z.enum(['passed', 'failed']),
  startedAt: z.iso.datetime({ offset: true }),
  durationMs: z.number().min(0).max(3_600_000),
  steps: z
    .array(
      z.strictObject({
        index: z.number().int().min(0),
        name: text(500),
        action: text(50),
        route: text(256).nullable(),
        status: z.enum(['passed', 'failed', 'skipped']),
        durationMs: z.number().min(0),
        error: text(4000).optional(),
        url: text(2048).optional(),
      }),
    )
    .max(500),
  marks: z.array(z.strictObject({ name: text(200), atMs: z.number().min(0) })).max(500),
  consoleErrors: z.array(text(4000)).max(200),
  failedRequests: z.array(z.strictObject({ url: text(2048), status: z.number().int().optional(), failure: text(1000).optional() })).max(200),
  failedStepIndex: z.number().int().min(0).optional(),
  error: text(4000).optional(),
  screenshotBase64: z.string().max(1_000_000).optional(),
  stepScreenshots: z
    .array(z.strictObject({ stepIndex: z.number().int().min(0).max(9999), base64: z.string().max(STEP_SCREENSHOTS_MAX_BASE64) }))
    .max(20)
    .refine((list) => list.reduce((n, s) => n + s.base64.length, 0) <= STEP_SCREENSHOTS_MAX_BASE64, { message: `step screenshots over ${STEP_SCREENSHOTS_MAX_BASE64} base64 characters in all` })
    .optional(),
}) satisfies z.ZodType<RunReport>;
