import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { bearerToken, tokensMatch } from './admin-token.guard';
import { DomainError } from './domain-error';

/** Guards the agent protocol: `Authorization: Bearer <PARALLAX_AGENT_TOKEN>`. */
@Injectable()
export class AgentTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.agentToken;
    if (!expected) throw new DomainError('unauthorized', 'Remote agents are disabled on this server: set PARALLAX_AGENT_TOKEN');
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const token = bearerToken(request.headers.authorization);
    if (!token || !tokensMatch(token, expected)) throw new DomainError('unauthorized', 'Missing or invalid agent token');
    return true;
  }
}
