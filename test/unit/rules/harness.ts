/** Runs one rule of rules/ on a vector; the catalogue's reference clock is 2025-06-01T00:00:00Z. */
import type { RouteName } from '../../../core/contract.ts';
import { RULES } from '../../../rules/catalogue.ts';
import type { ReferenceData } from '../../../rules/refdata.ts';
import { ruleSetFor } from '../../../rules/registration/marks.ts';
import { DEFAULT_RULE_PARAMS, type Finding, type RuleParams } from '../../../rules/types.ts';

export const NOW = new Date('2025-06-01T00:00:00Z');

export const base = {
  aircraft_registration: 'D-AIBL',
  part_number: '2314567-3',
  serial_number: 'SN12345K',
  batch_lot_code: null,
  installation_status: 'installed',
  installation_date: '2025-03-01T10:00:00Z',
  airworthiness_certificate_ref: 'EASA-DE-145-0123-F1-2025-000481',
  external_work_order_ref: 'WO-88123/B',
  release_date: null,
  release_status: null,
  eligibility_doc_ref: null,
  conformity_ref: null,
  standard_part: false,
  life_limited: false,
  life_status: null,
  disposition: null,
  temporary_same_product: false,
};

export function run(
  id: string,
  patch: Record<string, unknown>,
  opts: {
    registration?: string;
    params?: Partial<RuleParams>;
    now?: Date;
    reference?: ReferenceData;
    route?: RouteName;
    base?: Record<string, unknown>;
  } = {},
): Finding[] {
  // A rule may have a record half and a reference-data half under one id (ACR-APPR-1).
  const rules = RULES.filter((r) => r.id === id);
  if (rules.length === 0) throw new Error(`no rule ${id}`);
  const registration = opts.registration ?? String(patch.aircraft_registration ?? base.aircraft_registration);
  const context = {
    work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
    aircraft_registration: registration,
    technician_badge_hash: '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2',
  };
  const record = { ...(opts.base ?? base), aircraft_registration: registration, ...patch };
  const ctx = {
    route: opts.route ?? (opts.base ? 'logbook' : 'parts-trace'),
    now: opts.now ?? NOW,
    reference: opts.reference,
    ruleSet: ruleSetFor(registration),
    context,
    params: { ...DEFAULT_RULE_PARAMS, ...opts.params },
  } as const;
  // As the catalogue does: a reference-data half runs only where the reference data is.
  return rules.filter((r) => !r.reference || opts.reference).flatMap((r) => r.check(record, ctx));
}

export const severities = (f: Finding[]) => f.map((x) => x.severity);
