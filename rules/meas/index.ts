/** Readings of calibrated tools (MEAS), `/v1/measurements`: the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { MEAS_CAL_1 } from './MEAS-CAL-1.ts';
import { MEAS_SPEC_1 } from './MEAS-SPEC-1.ts';
import { MEAS_UNIT_1 } from './MEAS-UNIT-1.ts';

export const RULES: readonly Rule[] = [MEAS_UNIT_1, MEAS_SPEC_1, MEAS_CAL_1];
