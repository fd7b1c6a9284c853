/** Retention: the purge guard (§10, RET): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { RET_EASA_145_A_55 } from './RET-EASA-145.A.55.ts';
import { RET_EASA_TECHLOG } from './RET-EASA-TECHLOG.ts';
import { RET_FAA_91_417_B1 } from './RET-FAA-91.417-b1.ts';
import { RET_FAA_91_417_B2 } from './RET-FAA-91.417-b2.ts';
import { RET_FAA_145_219_C } from './RET-FAA-145.219-c.ts';
import { RET_MAX } from './RET-MAX.ts';

export const RULES: readonly Rule[] = [
  RET_MAX,
  RET_FAA_91_417_B1,
  RET_FAA_91_417_B2,
  RET_FAA_145_219_C,
  RET_EASA_145_A_55,
  RET_EASA_TECHLOG,
];
