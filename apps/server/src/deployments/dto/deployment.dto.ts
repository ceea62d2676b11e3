import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DEPLOYMENT_KINDS, type DeploymentKind } from '@parallax/contracts';

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
