/** Nationality marks and the rule set of a registration's state of registry (CTX-RS-1). */

import type { RuleSet } from '../rule-set.ts';
import { REGISTRATION_TABLE, type RegistrationRow } from './table.ts';

/** The nationality mark as written: before the hyphen, or the no-hyphen marks N and JA. */
export function nationalityMark(registration: string): string | undefined {
  const hyphen = registration.indexOf('-');
  if (hyphen > 0) return registration.slice(0, hyphen);
  if (registration.startsWith('JA')) return 'JA';
  if (registration.startsWith('N')) return 'N';
  return undefined;
}

export function rowForMark(mark: string | undefined): RegistrationRow | undefined {
  return mark === undefined ? undefined : REGISTRATION_TABLE.find((r) => r.marks.includes(mark));
}

/** CTX-RS-1: N → FAA, EASA member states → EASA, G → UK_CAA, anything else → OTHER. */
export function ruleSetFor(registration: string): RuleSet {
  return rowForMark(nationalityMark(registration))?.ruleSet ?? 'OTHER';
}

/**
 * The canonical forms a registration written with its hyphen missing, misplaced or superfluous
 * would have (REG-ICAO-1 §17 of issue #12): every state whose pattern the mark fits once its
 * hyphens are put where that state writes them. `DAIBL` → `D-AIBL`, `GEUPT` → `G-EUPT`,
 * `N-12345` → `N12345`. Empty when the registration is canonical for its own row, or fits none.
 */
export function canonicalForms(registration: string): { form: string; row: RegistrationRow }[] {
  if (matchingRows(registration).length > 0) return [];
  const bare = registration.replaceAll('-', '');
  const out: { form: string; row: RegistrationRow }[] = [];
  for (const row of REGISTRATION_TABLE) {
    for (const mark of row.marks) {
      if (!bare.startsWith(mark) || bare.length === mark.length) continue;
      for (const form of [`${mark}-${bare.slice(mark.length)}`, bare])
        if (form !== registration && row.pattern.test(form) && !out.some((o) => o.form === form))
          out.push({ form, row });
    }
  }
  return out;
}

/** The rows whose pattern the registration matches (REG-ICAO-2 wants exactly one). */
export function matchingRows(registration: string): RegistrationRow[] {
  return REGISTRATION_TABLE.filter((r) => r.pattern.test(registration));
}
