/**
 * The maintenance context (REGULATORY.md §1): which work order, which aircraft, which technician.
 * The ingress receives it base64-encoded in `x-maintenance-context`; every later stage reads the
 * decoded JSON from the record header of the same name and checks it again.
 */
import { CHECK_IDS, type Reason } from '../core/errors.ts';
import { canonicalForms, nationalityMark, rowForMark } from './registration/marks.ts';

export interface MaintenanceContext {
  work_order_id: string;
  aircraft_registration: string;
  technician_badge_hash: string;
}

export const MAX_CONTEXT_HEADER_BYTES = 1024;

// CTX-WO-1: RFC 9562 version-4 UUID; either case accepted, lowercase emitted.
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// CTX-BADGE-1
const BADGE_HASH = /^[0-9a-f]{64}$/;
// REG-ICAO-1: canonical display form, uppercase ASCII, at most one hyphen, no spaces. The per-state
// table of REGULATORY.md §2 (REG-ICAO-2, CTX-REG-1) is applied on top of this by the rule sets.
const CANONICAL_REGISTRATION = /^(?=.{2,10}$)[A-Z0-9]+(?:-[A-Z0-9]+)?$/;
// RFC 4648 §4 standard alphabet with correct padding, no whitespace, no URL-safe characters.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const FIELDS = ['work_order_id', 'aircraft_registration', 'technician_badge_hash'] as const;

export type ContextResult = { ok: true; context: MaintenanceContext } | { ok: false; reason: Reason };

const fail = (rule: string, path: string, message: string): ContextResult => ({
  ok: false,
  reason: { code: 'CONTEXT_INVALID', rule, path, message },
});

/** Checks an already-decoded context object: exactly the three fields, each in its format. */
export function checkContext(value: unknown): ContextResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(CHECK_IDS.context, '', 'the maintenance context must be a JSON object');
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(FIELDS as readonly string[]).includes(key))
      return fail(CHECK_IDS.context, `/${key}`, `unknown field ${key}`);
  }
  const { work_order_id: wo, aircraft_registration: reg, technician_badge_hash: badge } = obj;
  if (typeof wo !== 'string' || !UUID_V4.test(wo)) {
    return fail('CTX-WO-1', '/work_order_id', 'work_order_id must be a version-4 UUID');
  }
  if (typeof reg !== 'string' || !CANONICAL_REGISTRATION.test(reg)) {
    return fail(
      'REG-ICAO-1',
      '/aircraft_registration',
      'aircraft_registration must be a registration mark in canonical form (uppercase, e.g. D-AIBL, N123AZ)',
    );
  }
  // REG-ICAO-1: a hyphen is not repaired silently (issue #12 §17). A mark that is recognisably a
  // state's with its hyphen missing or misplaced (DAIBL, GEUPT, N-12345) would otherwise select rule
  // set OTHER and skip its own state's rules: refused, with the canonical form, when that state
  // has a rule set of its own. For a state under OTHER, REG-ICAO-2 judges it (a WARN).
  const repaired = canonicalForms(reg).filter(({ row }) => row.ruleSet !== 'OTHER');
  if (repaired.length > 0) {
    const forms = repaired.map(({ form, row }) => `${form} (${row.state})`).join(' or ');
    // An N-number written with a hyphen breaks REG-N-1, the catalogue's rule for it.
    return fail(
      repaired.every(({ row }) => row.marks.includes('N')) ? 'REG-N-1' : 'REG-ICAO-1',
      '/aircraft_registration',
      `${reg} is not in canonical form: write ${forms}; hyphens are not inserted or removed for the sender`,
    );
  }
  // The ICAO table of REGULATORY.md §2: a known nationality mark of the FAA, EASA or UK CAA rule
  // sets must carry its state's format. A mark of a state under rule set OTHER, or an unknown mark,
  // passes here: REG-ICAO-2 flags it for review as a WARN (issue #12 §18).
  const mark = nationalityMark(reg);
  const row = rowForMark(mark);
  if (row && row.ruleSet !== 'OTHER' && !row.pattern.test(reg)) {
    return fail(
      mark === 'N' ? 'REG-N-1' : 'REG-ICAO-2',
      '/aircraft_registration',
      `${reg} is not a valid ${row.state} registration`,
    );
  }
  if (typeof badge !== 'string' || !BADGE_HASH.test(badge)) {
    return fail(
      'CTX-BADGE-1',
      '/technician_badge_hash',
      'technician_badge_hash must be 64 lowercase hex characters',
    );
  }
  return {
    ok: true,
    context: { work_order_id: wo.toLowerCase(), aircraft_registration: reg, technician_badge_hash: badge },
  };
}

/** Decodes the `x-maintenance-context` HTTP header value: strict base64 of a JSON object. */
export function decodeContextHeader(header: string | string[] | undefined): ContextResult {
  if (header === undefined)
    return fail(CHECK_IDS.context, '', 'the x-maintenance-context header is required');
  if (Array.isArray(header))
    return fail(CHECK_IDS.context, '', 'exactly one x-maintenance-context header is allowed');
  if (header.length === 0 || header.length > MAX_CONTEXT_HEADER_BYTES) {
    return fail(
      CHECK_IDS.context,
      '',
      `x-maintenance-context must be 1 to ${MAX_CONTEXT_HEADER_BYTES} bytes`,
    );
  }
  if (!STRICT_BASE64.test(header))
    return fail(CHECK_IDS.context, '', 'x-maintenance-context must be standard base64 (RFC 4648 §4)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return fail(CHECK_IDS.context, '', 'x-maintenance-context must be base64 of a JSON object');
  }
  return checkContext(parsed);
}
