/** Nationality and registration marks (§2, REG): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { REG_ICAO_2 } from './REG-ICAO-2.ts';
import { REG_N_1 } from './REG-N-1.ts';

export const RULES: readonly Rule[] = [REG_ICAO_2, REG_N_1];
