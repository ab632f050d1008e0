// @ts-nocheck
// Rights (the layout's `rights` cell): what a user holds, and the refusal that
// names what is missing. Plain functions over a user's stored rights.
import { RIGHTS, type Right } from '../domain/model/tables.js';
import { ErrorCode, OfficeportError } from './errors.js';

export function rightsOf(u: { rights: string | null }): Right[] {
  return (u.rights ?? '').split(';').filter((r): r is Right => (RIGHTS as readonly string[]).includes(r));
}

export function hasRight(u: { rights: string | null }, right: Right): boolean {
  return rightsOf(u).includes(right);
}

/** Refuse unless the user holds every right; the error names the missing ones. */
export function requireRights(
  u: { username: string; rights: string | null },
  office: { id: string; name: string },
  rights: readonly Right[],
  what: string,
): void {
  const missing = rights.filter((r) => !hasRight(u, r));
  if (missing.length > 0) {
    throw new OfficeportError(
      ErrorCode.RIGHTS,
      `${u.username} in office ${office.name} lacks the right${missing.length > 1 ? 's' : ''} ${missing.join(', ')} needed to ${what}`,
      {
        hint: `an administrator of ${office.name} can grant it: officeport rights grant ${missing.join(' ')} --office ${office.id} --user ${u.username} --as ADMIN`,
      },
    );
  }
}

/** Rights in the canonical order of the layout, for a stable `rights` cell. */
export function formatRights(rights: Iterable<string>): string | null {
  const set = new Set(rights);
  const out = RIGHTS.filter((r) => set.has(r));
  return out.length ? out.join(';') : null;
}
