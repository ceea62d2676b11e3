export * from './beacon';
export * from './agent';
export * from './rum-query';
export * from './detection';
export * from './incidents';
export * from './views';
export * from './live';
export * from './ingest-status';
export * from './segments';
export {
  VITALS,
  CWV_THRESHOLDS,
  SEGMENT_DIMENSIONS,
  type VitalName,
  type SegmentDimension,
  type VitalShares,
  type OverviewVital,
  type OverviewRoute,
  type OverviewView,
  type SegmentRow,
  type SegmentsView,
  type LabView,
  type RunStepView,
  type RunDetailView,
  type JourneyView,
} from './dashboard-views';
