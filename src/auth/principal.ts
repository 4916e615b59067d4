import { ForbiddenError } from '../common/domain-error.js';
import type { Role } from '../users/user.entity.js';

/** Who is calling: a person with a role, or a lobby kiosk bound to one site (read-only). */
export type Principal =
  | { kind: 'user'; userId: string; role: Role; siteIds: readonly string[] }
  | { kind: 'kiosk'; credentialId: string; siteId: string };

export type Audience = Role | 'kiosk';

export function audienceOf(principal: Principal): Audience {
  return principal.kind === 'kiosk' ? 'kiosk' : principal.role;
}

/** Staff run the sites they are scoped to; admins run every site. */
export function canManageSite(principal: Principal, siteId: string): boolean {
  if (principal.kind !== 'user') return false;
  if (principal.role === 'admin') return true;
  return principal.role === 'staff' && principal.siteIds.includes(siteId);
}

/** People see every site of the network (a maker may book anywhere); a kiosk sees its own. */
export function canReadSite(principal: Principal, siteId: string): boolean {
  return principal.kind === 'user' || principal.siteId === siteId;
}

/** The signed-in person's account id; routes open to people only ask for it (never a kiosk). */
export function userIdOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new ForbiddenError('Only a signed-in person can do this.');
  return principal.userId;
}
