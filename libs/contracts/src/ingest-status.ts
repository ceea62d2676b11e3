/** Why the collector refused a beacon, as counted per site for onboarding. */
export const INGEST_REJECT_REASONS = ['origin', 'key', 'size', 'rate', 'invalid'] as const;
export type IngestRejectReason = (typeof INGEST_REJECT_REASONS)[number];

/**
 * `GET /api/sites/:id/ingest-status`: is the snippet reaching the collector? Counts are over the last hour, summed
 * over every server replica. Rejections that name no known site (an unknown key, a body too large to read, a
 * rate-limited client) are counted for the sites that allow the request's Origin.
 */
export interface IngestStatus {
  /** When a beacon of this site was last stored (ISO 8601), or null when none ever was. */
  lastBeaconAt: string | null;
  acceptedLastHour: number;
  rejected: Record<IngestRejectReason, number>;
}
