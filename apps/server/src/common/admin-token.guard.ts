import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual, createHash } from 'node:crypto';
import { DomainError } from './domain-error';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/** True when `presented` equals `expected`, in constant time. */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Extracts the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Guards management endpoints: `Authorization: Bearer <admin token>`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKEN) private readonly adminToken: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const token = bearerToken(request.headers.authorization);
    if (!token || !tokensMatch(token, this.adminToken)) {
      throw new DomainError('unauthorized', 'Missing or invalid admin token: send Authorization: Bearer <token>.');
    }
    return true;
  }
}
