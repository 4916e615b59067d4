import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '../common/domain-error.js';
import { ALLOWED_AUDIENCES, PUBLIC_ROUTE, type AuthenticatedRequest } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { audienceOf, type Audience, type Principal } from './principal.js';

const PEOPLE: Audience[] = ['maker', 'staff', 'admin'];

/** Global guard: every route is closed unless it says who may call it (or that it is public). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    if (!principal) throw new UnauthenticatedError('Sign in first: this needs a valid access token.');
    const allowed = this.reflector.getAllAndOverride<Audience[]>(ALLOWED_AUDIENCES, targets) ?? PEOPLE;
    if (!allowed.includes(audienceOf(principal))) {
      throw new ForbiddenError('Your account is not allowed to do this.');
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal | null> {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    return token ? this.auth.principalFromToken(token) : null;
  }
}
