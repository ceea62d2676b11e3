import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

// An origin is scheme://host[:port] with nothing after it, or '*' for any origin.
const ORIGIN = /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/;

export class RouteRuleDto {
  @ApiProperty({ example: '/product/:id', description: 'Path pattern; `:name` matches one segment, `*` the rest' })
  @IsString()
  @Matches(/^\//, { message: 'pattern must start with /' })
  @MaxLength(256)
  pattern: string;

  @ApiProperty({ example: '/product/:id' })
  @IsString()
  @Matches(/^\//, { message: 'template must start with /' })
  @MaxLength(256)
  template: string;
}

export class CreateSiteDto {
  @ApiProperty({ example: 'Shop' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: ['https://shop.example'], description: 'Origins allowed to send beacons; empty or ["*"] allows any' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ORIGIN, { each: true, message: 'each allowedOrigins entry must be an origin like https://shop.example (no path) or *' })
  allowedOrigins?: string[];

  @ApiPropertyOptional({ example: 1, minimum: 0, maximum: 1, description: 'Share of page views to report' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  samplingRate?: number;

  @ApiPropertyOptional({ example: 30, minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number;

  @ApiPropertyOptional({ example: ['utm_source'], description: 'Query parameters kept in stored URLs; all others are dropped' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  allowedQueryParams?: string[];

  @ApiPropertyOptional({ type: [RouteRuleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RouteRuleDto)
  routeRules?: RouteRuleDto[];

  @ApiPropertyOptional({
    description: 'Detection settings over the defaults: { tickSeconds, rum: { recentWindowsMinutes, minEffectPct, ... }, synthetic: {...}, correlation: {...} }',
    example: { tickSeconds: 60, rum: { recentWindowsMinutes: [10, 60], minEffectPct: 10 } },
  })
  @IsOptional()
  @IsObject()
  detectConfig?: Record<string, unknown>;
}

export class UpdateSiteDto extends PartialType(CreateSiteDto) {}

export class SiteView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Public key used by the snippet' }) siteKey: string;
  @ApiProperty({ type: [String] }) allowedOrigins: string[];
  @ApiProperty() samplingRate: number;
  @ApiProperty() retentionDays: number;
  @ApiProperty({ type: [String] }) allowedQueryParams: string[];
  @ApiProperty({ type: [RouteRuleDto] }) routeRules: RouteRuleDto[];
  @ApiProperty() detectConfig: Record<string, unknown>;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
