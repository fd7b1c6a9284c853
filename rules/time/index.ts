/** Dates, times and time zones (§3, TIME): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { TIME_1 } from './TIME-1.ts';
import { TIME_2 } from './TIME-2.ts';
import { TIME_5 } from './TIME-5.ts';

export const RULES: readonly Rule[] = [TIME_1, TIME_2, TIME_5];
