/**
 * The rules Airlock implements, and how a record is judged by them. The same evaluation serves the
 * ingress (synchronous 422) and the validators (authoritative), so they cannot disagree.
 * docs/rules.md lists every rule id of REGULATORY.md with its status; a test keeps the two in step.
 */
import type { RouteName } from '../contract.ts';
import type { MaintenanceContext } from '../maintenance-context.ts';
import type { ReferenceData } from '../refdata/kinds.ts';
import { ACR_APPR_1 } from './acr/ACR-APPR-1.ts';
import { ACR_APPR_2 } from './acr/ACR-APPR-2.ts';
import { ACR_DATE_1 } from './acr/ACR-DATE-1.ts';
import { ACR_EASA_1 } from './acr/ACR-EASA-1.ts';
import { ACR_FAA_1 } from './acr/ACR-FAA-1.ts';
import { ACR_NORM_1 } from './acr/ACR-NORM-1.ts';
import { ACR_SEED_1 } from './acr/ACR-SEED-1.ts';
import { ACR_STATUS_1 } from './acr/ACR-STATUS-1.ts';
import { CTX_WO_2 } from './ctx/CTX-WO-2.ts';
import { ESIG_AMEND_1 } from './esig/ESIG-AMEND-1.ts';
import { ESIG_ID_1 } from './esig/ESIG-ID-1.ts';
import { ESIG_INT_1 } from './esig/ESIG-INT-1.ts';
import { ESIG_INT_2 } from './esig/ESIG-INT-2.ts';
import { ESIG_INTENT_1 } from './esig/ESIG-INTENT-1.ts';
import { ESIG_TIME_2 } from './esig/ESIG-TIME-2.ts';
import { EASA_145_A_50_A } from './log/EASA-145.A.50-a.ts';
import { EASA_145_A_50_E } from './log/EASA-145.A.50-e.ts';
import { EASA_145_A_55_A } from './log/EASA-145.A.55-a.ts';
import { EASA_CRS_CONTENT } from './log/EASA-CRS-CONTENT.ts';
import { EASA_M_A_305_A } from './log/EASA-M.A.305-a.ts';
import { EASA_M_A_305_B1 } from './log/EASA-M.A.305-b1.ts';
import { EASA_M_A_305_C } from './log/EASA-M.A.305-c.ts';
import { EASA_M_A_306_A } from './log/EASA-M.A.306-a.ts';
import { FAA_43_9_A1 } from './log/FAA-43.9-a1.ts';
import { FAA_43_9_A2 } from './log/FAA-43.9-a2.ts';
import { FAA_43_9_A3 } from './log/FAA-43.9-a3.ts';
import { FAA_43_9_A4 } from './log/FAA-43.9-a4.ts';
import { FAA_43_9_D } from './log/FAA-43.9-d.ts';
import { FAA_43_11_A } from './log/FAA-43.11-a.ts';
import { FAA_145_219_A } from './log/FAA-145.219-a.ts';
import { LOT_FMT_1 } from './part/LOT-FMT-1.ts';
import { PART_ID_1 } from './part/PART-ID-1.ts';
import { PART_STAT_1 } from './part/PART-STAT-1.ts';
import { PN_FMT_1 } from './part/PN-FMT-1.ts';
import { SN_CHK_1 } from './part/SN-CHK-1.ts';
import { SN_FMT_1 } from './part/SN-FMT-1.ts';
import { ACR_APPR_1_KNOWN } from './ref/ACR-APPR-1.ts';
import { ACR_ITEM_1 } from './ref/ACR-ITEM-1.ts';
import { CAMO_A_220 } from './ref/CAMO-A.220.ts';
import { CTX_BADGE_2 } from './ref/CTX-BADGE-2.ts';
import { EASA_145_A_35 } from './ref/EASA-145.A.35.ts';
import { EASA_145_A_50_A_AUTHORISED } from './ref/EASA-145.A.50-a.ts';
import { FAA_RTS_1 } from './ref/FAA-RTS-1.ts';
import { TRACE_DATE_2 } from './ref/TRACE-DATE-2.ts';
import { TRACE_DATE_3 } from './ref/TRACE-DATE-3.ts';
import { REG_ICAO_2 } from './reg/REG-ICAO-2.ts';
import { REG_N_1 } from './reg/REG-N-1.ts';
import { TRACE_REG_1 } from './reg/TRACE-REG-1.ts';
import { ruleSetFor } from './registration.ts';
import {
  RET_EASA_145_A_55,
  RET_EASA_TECHLOG,
  RET_FAA_91_417_B1,
  RET_FAA_91_417_B2,
  RET_FAA_145_219_C,
  RET_MAX,
} from './ret/RET.ts';
import { TIME_1 } from './time/TIME-1.ts';
import { TIME_2 } from './time/TIME-2.ts';
import { TIME_5 } from './time/TIME-5.ts';
import { TRACE_CERT_EASA } from './trace/TRACE-CERT-EASA.ts';
import { TRACE_CERT_FAA } from './trace/TRACE-CERT-FAA.ts';
import { TRACE_DATE_1 } from './trace/TRACE-DATE-1.ts';
import { TRACE_LLP_1 } from './trace/TRACE-LLP-1.ts';
import { TRACE_LLP_2 } from './trace/TRACE-LLP-2.ts';
import { type Finding, finding, type Payload, type Rule, type RuleParams, type RuleSet } from './types.ts';

/** Recorded in every envelope (rule_set_version): which rules and parameters judged the record. */
export const RULES_VERSION = 'airlock-rules/1';

export const RULES: readonly Rule[] = [
  CTX_WO_2,
  REG_ICAO_2,
  REG_N_1,
  TRACE_REG_1,
  TIME_1,
  TIME_2,
  TIME_5,
  SN_FMT_1,
  SN_CHK_1,
  PN_FMT_1,
  LOT_FMT_1,
  PART_ID_1,
  PART_STAT_1,
  ACR_SEED_1,
  ACR_FAA_1,
  ACR_EASA_1,
  ACR_NORM_1,
  ACR_STATUS_1,
  ACR_DATE_1,
  TRACE_DATE_1,
  TRACE_CERT_EASA,
  TRACE_CERT_FAA,
  TRACE_LLP_1,
  TRACE_LLP_2,
  FAA_43_9_A1,
  FAA_43_9_A2,
  FAA_43_9_A3,
  FAA_43_9_A4,
  FAA_43_9_D,
  FAA_43_11_A,
  FAA_145_219_A,
  ACR_APPR_2,
  EASA_CRS_CONTENT,
  EASA_145_A_50_A,
  EASA_145_A_50_E,
  EASA_M_A_305_A,
  EASA_M_A_305_B1,
  EASA_M_A_305_C,
  EASA_M_A_306_A,
  EASA_145_A_55_A,
  ACR_APPR_1,
  CTX_BADGE_2,
  TRACE_DATE_2,
  TRACE_DATE_3,
  ACR_ITEM_1,
  FAA_RTS_1,
  EASA_145_A_35,
  EASA_145_A_50_A_AUTHORISED,
  ACR_APPR_1_KNOWN,
  CAMO_A_220,
  ESIG_ID_1,
  ESIG_INTENT_1,
  ESIG_INT_1,
  ESIG_INT_2,
  ESIG_TIME_2,
  ESIG_AMEND_1,
  RET_MAX,
  RET_FAA_91_417_B1,
  RET_FAA_91_417_B2,
  RET_FAA_145_219_C,
  RET_EASA_145_A_55,
  RET_EASA_TECHLOG,
];

export interface Judgement {
  ruleSet: RuleSet;
  /** The code's rules and the configuration's version, e.g. airlock-rules/1+2026-11-21.1. */
  version: string;
  errors: Finding[];
  warnings: Finding[];
}

/**
 * Applies every rule of the record's rule set (from its state of registry, CTX-RS-1). Under OTHER
 * only the structural rules run, and the record is flagged for review (REGULATORY.md §0).
 */
export function judge(
  route: RouteName,
  record: Payload,
  context: MaintenanceContext,
  params: RuleParams,
  now: Date,
  reference?: ReferenceData,
): Judgement {
  const ruleSet = ruleSetFor(context.aircraft_registration);
  const ctx = { route, now, ruleSet, context, params, reference };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (rule.routes !== 'all' && !rule.routes.includes(route)) continue;
    if (!rule.ruleSets.includes(ruleSet)) continue;
    if (ruleSet === 'OTHER' && !rule.structural) continue;
    if (params.disabled.includes(rule.id)) continue;
    if (rule.reference && (params.referenceData === 'off' || reference === undefined)) continue;
    findings.push(...rule.check(record, ctx));
  }
  if (ruleSet === 'OTHER') {
    findings.push(
      finding(
        'CTX-RS-1',
        'WARN',
        '/aircraft_registration',
        'state of registry outside FAA/EASA/UK CAA: structural rules only, send for review',
      ),
    );
  }
  return {
    ruleSet,
    version: `${RULES_VERSION}+${params.version}`,
    errors: findings.filter((f) => f.severity === 'ERROR'),
    warnings: findings.filter((f) => f.severity === 'WARN'),
  };
}
