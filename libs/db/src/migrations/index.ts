import { Init1764000000000 } from './1764000000000-init';
import { Rum1764000100000 } from './1764000100000-rum';
import { Synthetic1764000200000 } from './1764000200000-synthetic';
import { Correlation1764000300000 } from './1764000300000-correlation';
import { SiteDetectConfig1764000400000 } from './1764000400000-site-detect-config';
import { DetectionStatus1764000500000 } from './1764000500000-detection-status';
import { BeaconKeys1764000620000 } from './1764000620000-beacon-keys';
import { IngestCounters1764000621000 } from './1764000621000-ingest-counters';
import { StepScreenshots1764000800000 } from './1764000800000-step-screenshots';

/** Every migration, in order. New migrations are added here. */
export const migrations = [Init1764000000000, Rum1764000100000, Synthetic1764000200000, Correlation1764000300000, SiteDetectConfig1764000400000, DetectionStatus1764000500000, BeaconKeys1764000620000, IngestCounters1764000621000, StepScreenshots1764000800000];

/** Tables that grow with traffic: `site_id` leads their primary key so they can be distributed by site (Citus). */
export const TRAFFIC_TABLES = ['beacons', 'beacon_keys', 'ingest_counters', 'rollups', 'runs', 'run_artifacts', 'incidents', 'detector_state', 'detection_status', 'deployments', 'webhooks', 'webhook_deliveries'];
/** Small configuration or bookkeeping tables, kept whole on every node. */
export const CONFIG_TABLES = ['migrations', 'sites', 'daily_salts', 'locations', 'agents', 'journeys', 'socket_io_attachments'];
