import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsOptional, IsUrl, IsUUID, MaxLength } from 'class-validator';
import { WEBHOOK_EVENTS } from '@parallax/contracts';

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
