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
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { isIP } from 'node:net';

/** Longest allowed origin: scheme, a host name of at most 253 characters, a port. */
export const MAX_ORIGIN_CHARS = 270;

/**
 * True for '*' or an origin as browsers send it in the Origin header: http(s)://host[:port], nothing after it,
 * a host of DNS labels (1 to 63 characters), an IPv4 or a bracketed IPv6 address, and a port up to 65535.
 */
export function isOrigin(value: unknown): boolean {
  if (value === '*') return true;
  if (typeof value !== 'string' || value.length > MAX_ORIGIN_CHARS) return false;
  const m = /^https?:\/\/([^/:?#[\]]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(value);
  if (!m) return false;
  const [, host, port] = m;
  if (port !== undefined && Number(port) > 65535) return false;
  if (host.startsWith('[')) return isIP(host.slice(1, -1)) === 6;
  return host.length <= 253 && host.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

function IsOrigin(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isOrigin',
      target: target.constructor,
      propertyName,
      options,
      validator: { validate: (value: unknown) => isOrigin(value) },
    });
}

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
  @IsString({ each: true })
  @MaxLength(MAX_ORIGIN_CHARS, { each: true })
  @IsOrigin({ each: true, message: 'each allowedOrigins entry must be an origin like https://shop.example or http://localhost:8080 (scheme, host, optional port; no path), or *' })
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
