import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Audience, Principal } from './principal.js';

export const PUBLIC_ROUTE = 'fabrique:public';
export const ALLOWED_AUDIENCES = 'fabrique:audiences';

/** No credentials needed (login, health, the kiosk page shell). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Who may call the route. Without it, any signed-in person may; kiosks only reach routes that
 * name them, and only read routes do, which is what keeps a kiosk token read-only.
 */
export const AllowedFor = (...audiences: Audience[]) => SetMetadata(ALLOWED_AUDIENCES, audiences);

export type AuthenticatedRequest = Request & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
