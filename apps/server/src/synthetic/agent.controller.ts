import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  agentHeartbeatSchema,
  agentRegistrationSchema,
  claimRequestSchema,
  runReportSchema,
  type AgentHeartbeat,
  type AgentRegistration,
  type ClaimRequest,
  type RunReport,
} from '@parallax/contracts';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { AgentApiService } from './agent-api.service';
import { AgentOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

/** The pull protocol of location agents (outbound connections only, agent token). */
@ApiTags('agents')
@AgentOnly()
@Controller('api/agent')
export class AgentController {
  constructor(
    private readonly agents: AgentApiService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Register an agent of a location; returns its session (heartbeat, lease, poll periods)' })
  register(@Body(new ZodValidationPipe(agentRegistrationSchema)) body: AgentRegistration) {
    return this.agents.register(body);
  }

  @Post('heartbeat')
  @HttpCode(200)
  async heartbeat(@Body(new ZodValidationPipe(agentHeartbeatSchema)) body: AgentHeartbeat) {
    await this.agents.heartbeat(body);
    return { ok: true };
  }

  @Post('claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lease due runs of the agent’s location' })
  claim(@Body(new ZodValidationPipe(claimRequestSchema)) body: ClaimRequest, @Req() request: FastifyRequest) {
    const base = this.config.publicUrl ?? `${request.protocol}://${request.headers.host}`;
    return this.agents.claim(body.agentId, body.max, `${base}${this.config.collectPath}`);
  }

  @Post('runs/:runId/result')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report the result of a leased run' })
  report(@UuidParam('runId') runId: string, @Body(new ZodValidationPipe(runReportSchema)) body: RunReport) {
    return this.agents.report(runId, body);
  }

  @Get('snippet')
  @ApiOperation({ summary: 'The RUM snippet agents inject into synthetic runs' })
  snippet() {
    return this.agents.snippetBundle();
  }
}
