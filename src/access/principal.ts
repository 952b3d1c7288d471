import { userInfo } from 'node:os';
import { ForbiddenError } from '../shared/errors.ts';

/**
 * Who is acting: a signed-in user, an API token, the command line or the system itself. Every request gets
 * one (or null when anonymous) from `access.plugin.ts`; services that change data take a `ChangeContext` so
 * that they can check regions and write the audit log in the same transaction as the change.
 */

export const ROLES = ['admin', 'operator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { ru: string; en: string }> = {
  admin: { ru: 'администратор', en: 'administrator' },
  operator: { ru: 'оператор региона', en: 'regional operator' },
  analyst: { ru: 'аналитик', en: 'analyst' },
};

export type ActorKind = 'user' | 'token' | 'cli' | 'system';

export interface Principal {
  kind: ActorKind;
  /** users.id or api_tokens.id; null for the CLI and the system. */
  id: number | null;
  /** Login, token name, `cli:<os user>` or `system`. */
  name: string;
  role: Role;
  /** Regions an operator may change (empty for the other roles). */
  regions: readonly string[];
}

/** Who makes a change and from where: passed into the services that change data. */
export interface ChangeContext {
  principal: Principal;
  ip: string | null;
}

export const SYSTEM_PRINCIPAL: Principal = {
  kind: 'system',
  id: null,
  name: 'system',
  role: 'admin',
  regions: [],
};

/** The command line acts as an administrator (it has the database file or URL anyway). */
export function cliChange(): ChangeContext {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): keep "unknown".
  }
  return { principal: { kind: 'cli', id: null, name: `cli:${user}`, role: 'admin', regions: [] }, ip: null };
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** May this principal change things at all (register edits, imports, flag reviews)? */
export function canEdit(principal: Principal): boolean {
  return principal.role === 'admin' || principal.role === 'operator';
}

/** May this principal change data of this region? A null region (federal, unset) is for admins only. */
export function canEditRegion(principal: Principal, region: string | null): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role !== 'operator' || region === null) return false;
  return principal.regions.includes(region);
}

/**
 * Throws 403 unless the principal may change every one of these regions (a channel's region before AND after
 * a change). `what` names the thing in the message, e.g. "channel 12".
 */
export function assertRegions(principal: Principal, regions: readonly (string | null)[], what: string): void {
  if (principal.role === 'admin') return;
  if (principal.role !== 'operator') {
    throw new ForbiddenError(
      `Роль «${ROLE_LABELS[principal.role].ru}» не может изменять данные / role ${principal.role} cannot change data`,
      { role: principal.role },
    );
  }
  for (const region of regions) {
    if (canEditRegion(principal, region)) continue;
    const shown = region ?? 'без региона / no region';
    throw new ForbiddenError(
      `${what}: регион ${shown} не входит в ваши регионы (${principal.regions.join(', ')}) / region ${shown} is not one of yours`,
      { region, allowed: principal.regions },
    );
  }
}

/** Throws 403 unless the principal is an administrator. */
export function assertAdmin(principal: Principal, what: string): void {
  if (principal.role !== 'admin') {
    throw new ForbiddenError(`${what}: только для администратора / administrators only`, {
      role: principal.role,
    });
  }
}
