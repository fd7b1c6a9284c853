/**
 * The rules Airlock implements, in the order they are applied. docs/rules.md lists every rule id of
 * REGULATORY.md with its status; a test keeps the two in step.
 */

import { ACR_APPR_1_KNOWN } from './acr/ACR-APPR-1.known.ts';
import { ACR_APPR_1 } from './acr/ACR-APPR-1.ts';
import { ACR_APPR_2 } from './acr/ACR-APPR-2.ts';
import { ACR_DATE_1 } from './acr/ACR-DATE-1.ts';
import { ACR_EASA_1 } from './acr/ACR-EASA-1.ts';
import { ACR_FAA_1 } from './acr/ACR-FAA-1.ts';
import { ACR_ITEM_1 } from './acr/ACR-ITEM-1.ts';
import { ACR_NORM_1 } from './acr/ACR-NORM-1.ts';
import { ACR_SEED_1 } from './acr/ACR-SEED-1.ts';
import { ACR_STATUS_1 } from './acr/ACR-STATUS-1.ts';
import { CAMO_A_220 } from './camo/CAMO-A.220.ts';
import { CTX_BADGE_2 } from './ctx/CTX-BADGE-2.ts';
import { CTX_WO_2 } from './ctx/CTX-WO-2.ts';
import { ESIG_AMEND_1 } from './esig/ESIG-AMEND-1.ts';
import { ESIG_ID_1 } from './esig/ESIG-ID-1.ts';
import { ESIG_INT_1 } from './esig/ESIG-INT-1.ts';
import { ESIG_INT_2 } from './esig/ESIG-INT-2.ts';
import { ESIG_INTENT_1 } from './esig/ESIG-INTENT-1.ts';
import { ESIG_TIME_2 } from './esig/ESIG-TIME-2.ts';
import { EASA_145_A_35 } from './log/EASA-145.A.35.ts';
import { EASA_145_A_50_A_AUTHORISED } from './log/EASA-145.A.50-a.known.ts';
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
import { FAA_RTS_1 } from './log/FAA-RTS-1.ts';
import { LOT_FMT_1 } from './part/LOT-FMT-1.ts';
import { PART_ID_1 } from './part/PART-ID-1.ts';
import { PART_STAT_1 } from './part/PART-STAT-1.ts';
import { PN_FMT_1 } from './part/PN-FMT-1.ts';
import { SN_CHK_1 } from './part/SN-CHK-1.ts';
import { SN_FMT_1 } from './part/SN-FMT-1.ts';
import { REG_ICAO_2 } from './reg/REG-ICAO-2.ts';
import { REG_N_1 } from './reg/REG-N-1.ts';
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
import { TRACE_DATE_2 } from './trace/TRACE-DATE-2.ts';
import { TRACE_DATE_3 } from './trace/TRACE-DATE-3.ts';
import { TRACE_LLP_1 } from './trace/TRACE-LLP-1.ts';
import { TRACE_LLP_2 } from './trace/TRACE-LLP-2.ts';
import { TRACE_REG_1 } from './trace/TRACE-REG-1.ts';
import type { Rule } from './types.ts';

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
