import { SOURCES, type Source } from '@parallax/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ROLLUP_DIMENSIONS, SEGMENTED_METRICS, TIMING_METRICS } from '../rollup-aggregator';

export const QUERYABLE_METRICS = [...SEGMENTED_METRICS, ...TIMING_METRICS] as const;

export class SeriesQueryDto {
  @ApiProperty({ example: '/product/:id', description: 'Route template' })
  @IsString()
  @MaxLength(256)
  route: string;

  @ApiProperty({ enum: QUERYABLE_METRICS, example: 'lcp' })
  @IsIn(QUERYABLE_METRICS)
  metric: string;

  @ApiPropertyOptional({ enum: SOURCES, default: 'rum' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: Source;

  @ApiPropertyOptional({ description: 'Start (ISO 8601); default one hour ago' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'End (ISO 8601), exclusive; default now' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ description: 'Bucket size in minutes; default chosen from the range' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  bucketMinutes?: number;

  @ApiPropertyOptional({ example: 'country:BR', description: `One segment, dimension:value; dimensions: ${ROLLUP_DIMENSIONS.join(', ')}` })
  @IsOptional()
  @Matches(new RegExp(`^(${ROLLUP_DIMENSIONS.join('|')}):.{1,100}$`), { message: `segment must be dimension:value with a dimension among ${ROLLUP_DIMENSIONS.join(', ')}` })
  segment?: string;
}

export class RangeQueryDto {
  @ApiPropertyOptional({ enum: SOURCES, default: 'rum' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: Source;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601()
  to?: string;
}
