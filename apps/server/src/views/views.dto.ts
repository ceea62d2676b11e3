import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { VITALS } from '@parallax/contracts';

export class OverviewQueryDto {
  @ApiPropertyOptional({ description: 'Start (ISO 8601); default 24 hours before `to`' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'End (ISO 8601), exclusive; default now' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class RouteVitalQueryDto extends OverviewQueryDto {
  @ApiProperty({ example: '/product/:id' })
  @IsString()
  @MaxLength(256)
  route: string;

  @ApiProperty({ enum: VITALS, example: 'lcp' })
  @IsIn(VITALS as string[])
  metric: 'lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb';
}
