/** Airworthiness release certificates (§6, ACR): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { ACR_APPR_1_KNOWN } from './ACR-APPR-1.known.ts';
import { ACR_APPR_1 } from './ACR-APPR-1.ts';
import { ACR_APPR_2 } from './ACR-APPR-2.ts';
import { ACR_DATE_1 } from './ACR-DATE-1.ts';
import { ACR_EASA_1 } from './ACR-EASA-1.ts';
import { ACR_FAA_1 } from './ACR-FAA-1.ts';
import { ACR_ITEM_1 } from './ACR-ITEM-1.ts';
import { ACR_NORM_1 } from './ACR-NORM-1.ts';
import { ACR_SEED_1 } from './ACR-SEED-1.ts';
import { ACR_STATUS_1 } from './ACR-STATUS-1.ts';

export const RULES: readonly Rule[] = [
  ACR_SEED_1,
  ACR_FAA_1,
  ACR_EASA_1,
  ACR_NORM_1,
  ACR_STATUS_1,
  ACR_DATE_1,
  ACR_APPR_2,
  ACR_APPR_1,
  ACR_ITEM_1,
  ACR_APPR_1_KNOWN,
];
