/** Continuing-airworthiness record keeping (§5, CAMO): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { CAMO_A_220 } from './CAMO-A.220.ts';

export const RULES: readonly Rule[] = [CAMO_A_220];
