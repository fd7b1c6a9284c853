/**
 * The catalogue's rule id for a schema violation (issue #12 §19). Some catalogue rules are enforced
 * first by the Avro schema: a missing `completion_date` is FAA-43.9-a2, an `installation_status`
 * outside its enum PART-STAT-1, an audit `action` of UPDATE ESIG-AMEND-1. The reason then carries
 * that rule id, not AVRO-SCHEMA, because an auditor searches the DLQ by rule id; the check id
 * AVRO-SCHEMA remains for what no catalogue rule names (a field not in the schema, say).
 *
 * Paths are JSON pointers with `*` for an array index; a violation at a path takes the rule of the
 * longest listed path it starts with (a field not in the schema only its own path) (`/approver/certificate_kind` → `/approver/certificate_kind`,
 * `/tech_log/sector/date` → `/tech_log`). A test checks every path against the schemas and every
 * rule id against the catalogue.
 */
import type { RouteName } from '../core/contract.ts';

export const SCHEMA_RULES: Readonly<Record<RouteName, Readonly<Record<string, string>>>> = {
  logbook: {
    '/aircraft_registration': 'TRACE-REG-1',
    '/work_description': 'FAA-43.9-a1',
    '/maintenance_data_ref': 'FAA-43.9-a1',
    '/completion_date': 'FAA-43.9-a2',
    '/performed_by_badge_hash': 'FAA-43.9-a3',
    '/performed_by_name': 'FAA-43.9-a3',
    '/approver/badge_hash': 'CTX-BADGE-2',
    '/approver/certificate_number': 'FAA-43.9-a4',
    '/approver/certificate_kind': 'FAA-43.9-a4',
    '/approver/signature_ref': 'FAA-43.9-a4',
    '/return_to_service': 'FAA-43.9-a4',
    '/inspection_type': 'FAA-43.11-a',
    '/inspection_scope': 'FAA-43.11-a',
    '/aircraft_total_time_hours': 'FAA-43.11-a',
    '/discrepancy_list_ref': 'FAA-43.11-b',
    '/work_class': 'FAA-43.9-d',
    '/form_337_ref': 'FAA-43.9-d',
    '/language': 'FAA-145.219-a',
    '/release_copy_delivered_to': 'FAA-145.219-a',
    '/crs': 'EASA-CRS-CONTENT',
    '/crs/certifying_staff_badge_hash': 'CTX-BADGE-2',
    '/crs_ref': 'EASA-M.A.305-a',
    '/total_in_service': 'EASA-M.A.305-b1',
    '/event': 'EASA-M.A.305-c',
    '/ad_number': 'EASA-M.A.305-c',
    '/ad_revision': 'EASA-M.A.305-c',
    '/method_of_compliance': 'EASA-M.A.305-c',
    '/next_due': 'EASA-M.A.305-c',
    '/incomplete_tasks': 'EASA-145.A.50-e',
    '/subcontracted_tasks': 'EASA-145.A.55-a',
    '/subcontractor_release_refs': 'EASA-145.A.55-a',
    '/crs_copy_delivered_to': 'EASA-145.A.55-a',
    '/tech_log': 'EASA-M.A.306-a',
  },
  'parts-trace': {
    '/aircraft_registration': 'TRACE-REG-1',
    '/part_number': 'PN-FMT-1',
    '/serial_number': 'PART-ID-1',
    '/batch_lot_code': 'LOT-FMT-1',
    '/installation_status': 'PART-STAT-1',
    '/installation_date': 'TIME-1',
    '/airworthiness_certificate_ref': 'ACR-SEED-1',
    '/form_tracking_number_raw': 'ACR-NORM-1',
    '/release_date': 'ACR-DATE-1',
    '/release_status': 'ACR-STATUS-1',
    '/eligibility_doc_ref': 'TRACE-CERT-FAA',
    '/conformity_ref': 'TRACE-CERT-EASA',
    '/life_limited': 'TRACE-LLP-1',
    '/life_status': 'TRACE-LLP-2',
    '/disposition': 'TRACE-LLP-1',
    '/temporary_same_product': 'TRACE-LLP-1',
    '/external_work_order_ref': 'CTX-WO-2',
  },
  'compliance-audit': {
    '/record_id': 'ESIG-INT-2',
    '/record_version': 'ESIG-AMEND-1',
    '/action': 'ESIG-AMEND-1',
    '/supersedes': 'ESIG-AMEND-1',
    '/actor_badge_hash': 'ESIG-ID-1',
    '/signature_meaning': 'ESIG-INTENT-1',
    '/occurred_at': 'ESIG-TIME-1',
    // Not in the schema: a client-supplied receipt time is refused (the server's is authoritative).
    '/received_at': 'ESIG-TIME-1',
    '/content_sha256': 'ESIG-INT-1',
    '/content': 'ESIG-INT-1',
    '/prev_event_sha256': 'ESIG-INT-2',
    '/retention': 'RET-MAX',
  },
  measurements: {
    '/aircraft_registration': 'TRACE-REG-1',
    '/tool_id': 'MEAS-CAL-1',
    '/tool_type': 'MEAS-CAL-1',
    '/calibration_certificate_ref': 'MEAS-CAL-1',
    '/value': 'MEAS-SPEC-1',
    '/unit': 'MEAS-UNIT-1',
    '/spec_min': 'MEAS-SPEC-1',
    '/spec_max': 'MEAS-SPEC-1',
    '/tool_result': 'MEAS-SPEC-1',
    '/measured_at': 'TIME-1',
  },
};

/** Paths of SCHEMA_RULES that name no schema field on purpose (fields a record must not carry). */
export const UNDECLARED_RULE_PATHS: ReadonlySet<string> = new Set(['/received_at']);

/**
 * The rule id a schema violation at `pointer` carries on `route`, or undefined (AVRO-SCHEMA). A
 * field the schema does not declare takes a rule only when its own path is listed.
 */
export function schemaRuleFor(route: RouteName): SchemaRuleLookup {
  let lookup = LOOKUPS.get(route);
  if (!lookup) {
    lookup = lookupFor(route);
    LOOKUPS.set(route, lookup);
  }
  return lookup;
}

type SchemaRuleLookup = (pointer: string, undeclared: boolean) => string | undefined;

/** One lookup per route, made once: the ingress and the validators ask for it per record. */
const LOOKUPS = new Map<RouteName, SchemaRuleLookup>();

function lookupFor(route: RouteName): SchemaRuleLookup {
  const table = SCHEMA_RULES[route];
  return (pointer, undeclared) => {
    if (undeclared) return table[pointer.replace(/\/\d+(?=\/|$)/g, '/*')];
    let path = pointer.replace(/\/\d+(?=\/|$)/g, '/*');
    for (;;) {
      const rule = table[path];
      if (rule !== undefined) return rule;
      const cut = path.lastIndexOf('/');
      if (cut <= 0) return undefined;
      path = path.slice(0, cut);
    }
  };
}
