import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { INCIDENT_LABELS, INCIDENT_STATUSES } from '@parallax/contracts';

export class IncidentsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() siteId?: string;
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES }) @IsOptional() @IsIn(INCIDENT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: INCIDENT_LABELS }) @IsOptional() @IsIn(INCIDENT_LABELS) label?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) route?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) metric?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
