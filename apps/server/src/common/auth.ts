import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard';
import { AgentTokenGuard } from './agent-token.guard';

/** The admin API: `Authorization: Bearer <admin token>`, documented as such. */
export const AdminOnly = () => applyDecorators(ApiBearerAuth(), UseGuards(AdminTokenGuard));

/** The agent API: `Authorization: Bearer <agent token>`. */
export const AgentOnly = () => applyDecorators(ApiBearerAuth(), UseGuards(AgentTokenGuard));
