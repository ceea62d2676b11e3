import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  DETECTION_SOURCES, DETECTION_STATUSES, type DetectionSource, type DetectionStatus, type RumDetectionEvidence, type SyntheticDetectionEvidence,
  type SyntheticLocationEvidence,
} from '@parallax/contracts';

export class DetectionQueryDto {
  @ApiPropertyOptional({ enum: DETECTION_STATUSES, description: "Only series with this verdict ('insufficient' = not enough data)" })
  @IsOptional()
  @IsIn(DETECTION_STATUSES)
  status?: DetectionStatus;

  @ApiPropertyOptional({ enum: DETECTION_SOURCES })
  @IsOptional()
  @IsIn(DETECTION_SOURCES)
  source?: DetectionSource;
}

// OpenAPI shapes of the answer; the type itself is DetectionCoverage in libs/contracts.

export class RumDetectionEvidenceView implements RumDetectionEvidence {
  @ApiProperty({ example: 37, description: 'Beacons in the window' }) nCurrent: number;
  @ApiProperty({ example: 100, description: 'Fewest beacons the window needs to be judged' }) minCurrent: number;
  @ApiProperty({ example: 2400 }) nBaseline: number;
  @ApiProperty({ example: 300 }) minBaseline: number;
  @ApiProperty({ example: 60 }) windowMinutes: number;
  @ApiProperty({ enum: ['same_window', 'trailing', 'none'] }) baselineMode: 'same_window' | 'trailing' | 'none';
  @ApiProperty({ type: Number, nullable: true, example: 2100 }) baselineP75: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 2180 }) currentP75: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Change of p75, percent (null when not testable)' }) changePct: number | null;
  @ApiProperty({ type: Number, nullable: true }) ciLow: number | null;
  @ApiProperty({ type: Number, nullable: true }) shiftPct: number | null;
  @ApiProperty({ type: Number, nullable: true }) ciHigh: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 23.4, description: 'Smallest p75 change it could have seen, percent (null without a baseline)' })
  minDetectableChangePct: number | null;
}

export class SyntheticLocationEvidenceView implements SyntheticLocationEvidence {
  @ApiProperty({ example: 'eu-west' }) location: string;
  @ApiProperty({ enum: DETECTION_STATUSES }) status: DetectionStatus;
  @ApiProperty({ example: 6 }) nRecent: number;
  @ApiProperty({ example: 40 }) nBaseline: number;
  @ApiProperty({ type: Number, nullable: true }) changePct: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 14.2, description: 'Smallest change of the median it could see, percent (null before 3 baseline runs)' })
  minDetectableChangePct: number | null;
}

export class SyntheticDetectionEvidenceView implements SyntheticDetectionEvidence {
  @ApiProperty({ type: Number, nullable: true }) changePct: number | null;
  @ApiProperty({ example: 4 }) minRecentRuns: number;
  @ApiProperty({ example: 12 }) minBaselineRuns: number;
  @ApiProperty({ example: 30 }) recentWindowMinutes: number;
  @ApiProperty({ example: 360 }) baselineMinutes: number;
  @ApiProperty({ type: [SyntheticLocationEvidenceView] }) locations: SyntheticLocationEvidenceView[];
  @ApiProperty({ type: Number, nullable: true, example: 14.2, description: 'Smallest change the series could flag, percent (null when no location can tell yet)' })
  minDetectableChangePct: number | null;
}

@ApiExtraModels(RumDetectionEvidenceView, SyntheticDetectionEvidenceView)
export class DetectionSeriesView {
  @ApiProperty({ enum: DETECTION_SOURCES }) source: DetectionSource;
  @ApiProperty({ example: '/product/:id' }) route: string;
  @ApiProperty({ example: 'lcp', description: "A web vital, or 'duration' (synthetic step time)" }) metric: string;
  @ApiProperty({ enum: DETECTION_STATUSES }) status: DetectionStatus;
  @ApiProperty({ example: 'not enough data: 37 beacons in the last 60 min (needs 100); could detect a change of 23% or more' }) message: string;
  @ApiProperty({
    description: 'RumDetectionEvidenceView when source is rum, SyntheticDetectionEvidenceView when synthetic',
    oneOf: [{ $ref: getSchemaPath(RumDetectionEvidenceView) }, { $ref: getSchemaPath(SyntheticDetectionEvidenceView) }],
  })
  evidence: RumDetectionEvidence | SyntheticDetectionEvidence;
  @ApiProperty({ example: '2026-11-24T14:05:00.000Z', description: 'When the series was last judged' }) updatedAt: string;
}

export class DetectionCoverageView {
  @ApiProperty() siteId: string;
  @ApiProperty({ example: 60 }) tickSeconds: number;
  @ApiProperty({ example: '5 series: 1 regressed, 3 watching, 1 with not enough data' }) summary: string;
  @ApiProperty({ type: [DetectionSeriesView] }) series: DetectionSeriesView[];
}
