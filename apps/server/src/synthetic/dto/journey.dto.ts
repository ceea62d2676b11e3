import { RUN_STATUSES } from '@parallax/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateJourneyDto {
  @ApiProperty({ description: 'Site the journey belongs to' })
  @IsUUID()
  siteId: string;

  @ApiProperty({ description: 'The journey file, YAML (see journeys/journey.schema.json)', example: 'name: home\nschedule: { every: 5m }\nbaseUrl: https://shop.example\nsteps:\n  - goto: /\n' })
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  yaml: string;
}

export class UpdateJourneyDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  yaml: string;
}

export class RunsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() siteId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() journeyId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(63) location?: string;
  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: string;
  @ApiPropertyOptional({ default: 50, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class LocationDto {
  @ApiProperty({ example: 'São Paulo, BR' })
  @IsString()
  @MaxLength(200)
  region: string;

  @ApiPropertyOptional({ description: 'Default device profile of the location (preset name or object)' })
  @IsOptional()
  device?: unknown;

  @ApiPropertyOptional({ description: 'Default network profile of the location (preset name or object)' })
  @IsOptional()
  network?: unknown;
}

export const LOCATION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
