import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { DEPLOYMENT_KINDS, INCIDENT_LABELS, INCIDENT_STATUSES, WEBHOOK_EVENTS, type DeploymentKind } from '@parallax/contracts';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateDeploymentDto {
  @ApiProperty() @IsUUID() siteId: string;
  @ApiProperty({ example: 'v2.3.1' }) @IsString() @MinLength(1) @MaxLength(100) version: string;
  @ApiPropertyOptional({ example: '9f3c2e1' }) @IsOptional() @IsString() @MaxLength(100) commit?: string;
  @ApiPropertyOptional({ example: 'New product gallery' }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ enum: DEPLOYMENT_KINDS, default: 'deployment' })
  @IsOptional()
  @IsIn(DEPLOYMENT_KINDS)
  kind?: DeploymentKind;
  @ApiPropertyOptional({ description: 'When it happened (ISO 8601); default now' }) @IsOptional() @IsISO8601() at?: string;
}

export class DeploymentsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() siteId?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}


export class IncidentsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() siteId?: string;
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES }) @IsOptional() @IsIn(INCIDENT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: INCIDENT_LABELS }) @IsOptional() @IsIn(INCIDENT_LABELS) label?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) route?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) metric?: string;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}


export class CreateWebhookDto {
  @ApiProperty() @IsUUID() siteId: string;
  @ApiProperty({ example: 'https://hooks.example/parallax' })
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  url: string;
  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true, default: ['incident.opened', 'incident.updated', 'incident.resolved'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: string[];
}
