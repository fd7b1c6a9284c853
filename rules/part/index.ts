/** Part and serial identification (§7, PART): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { LOT_FMT_1 } from './LOT-FMT-1.ts';
import { PART_ID_1 } from './PART-ID-1.ts';
import { PART_STAT_1 } from './PART-STAT-1.ts';
import { PN_FMT_1 } from './PN-FMT-1.ts';
import { SN_CHK_1 } from './SN-CHK-1.ts';
import { SN_FMT_1 } from './SN-FMT-1.ts';

export const RULES: readonly Rule[] = [SN_FMT_1, SN_CHK_1, PN_FMT_1, LOT_FMT_1, PART_ID_1, PART_STAT_1];
