/** Electronic records, signatures and audit lineage (§9, ESIG): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { ESIG_AMEND_1_LATEST } from './ESIG-AMEND-1.history.ts';
import { ESIG_AMEND_1 } from './ESIG-AMEND-1.ts';
import { ESIG_ID_1 } from './ESIG-ID-1.ts';
import { ESIG_INT_1 } from './ESIG-INT-1.ts';
import { ESIG_INT_2_CHAIN } from './ESIG-INT-2.history.ts';
import { ESIG_INT_2 } from './ESIG-INT-2.ts';
import { ESIG_INTENT_1 } from './ESIG-INTENT-1.ts';
import { ESIG_TIME_2_SIGN } from './ESIG-TIME-2.history.ts';
import { ESIG_TIME_2 } from './ESIG-TIME-2.ts';

export const RULES: readonly Rule[] = [
  ESIG_ID_1,
  ESIG_INTENT_1,
  ESIG_INT_1,
  ESIG_INT_2,
  ESIG_TIME_2,
  ESIG_AMEND_1,
  ESIG_INT_2_CHAIN,
  ESIG_TIME_2_SIGN,
  ESIG_AMEND_1_LATEST,
];
