/** Request context (REGULATORY.md §1, CTX): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { CTX_BADGE_2 } from './CTX-BADGE-2.ts';
import { CTX_WO_2 } from './CTX-WO-2.ts';

export const RULES: readonly Rule[] = [CTX_WO_2, CTX_BADGE_2];
