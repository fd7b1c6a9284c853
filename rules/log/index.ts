/** FAA and EASA logbook, CRS and record rules (§4, §5): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { EASA_145_A_35 } from './EASA-145.A.35.ts';
import { EASA_145_A_50_A_AUTHORISED } from './EASA-145.A.50-a.known.ts';
import { EASA_145_A_50_A } from './EASA-145.A.50-a.ts';
import { EASA_145_A_50_B } from './EASA-145.A.50-b.ts';
import { EASA_145_A_50_E } from './EASA-145.A.50-e.ts';
import { EASA_145_A_55_A } from './EASA-145.A.55-a.ts';
import { EASA_CRS_CONTENT } from './EASA-CRS-CONTENT.ts';
import { EASA_M_A_305_A_UNIQUE } from './EASA-M.A.305-a.history.ts';
import { EASA_M_A_305_A } from './EASA-M.A.305-a.ts';
import { EASA_M_A_305_B1_TOTALS } from './EASA-M.A.305-b1.history.ts';
import { EASA_M_A_305_B1 } from './EASA-M.A.305-b1.ts';
import { EASA_M_A_305_C } from './EASA-M.A.305-c.ts';
import { EASA_M_A_306_A } from './EASA-M.A.306-a.ts';
import { FAA_43_9_A1 } from './FAA-43.9-a1.ts';
import { FAA_43_9_A2 } from './FAA-43.9-a2.ts';
import { FAA_43_9_A3 } from './FAA-43.9-a3.ts';
import { FAA_43_9_A4 } from './FAA-43.9-a4.ts';
import { FAA_43_9_D } from './FAA-43.9-d.ts';
import { FAA_43_11_A } from './FAA-43.11-a.ts';
import { FAA_145_219_A } from './FAA-145.219-a.ts';
import { FAA_RTS_1 } from './FAA-RTS-1.ts';

export const RULES: readonly Rule[] = [
  FAA_43_9_A1,
  FAA_43_9_A2,
  FAA_43_9_A3,
  FAA_43_9_A4,
  FAA_43_9_D,
  FAA_43_11_A,
  FAA_145_219_A,
  EASA_CRS_CONTENT,
  EASA_145_A_50_A,
  EASA_145_A_50_E,
  EASA_M_A_305_A,
  EASA_M_A_305_B1,
  EASA_M_A_305_C,
  EASA_M_A_306_A,
  EASA_145_A_55_A,
  FAA_RTS_1,
  EASA_145_A_35,
  EASA_145_A_50_A_AUTHORISED,
  EASA_M_A_305_A_UNIQUE,
  EASA_M_A_305_B1_TOTALS,
  EASA_145_A_50_B,
];
