/** Parts-traceability cross-field rules (§8, TRACE): the family's rules, in the order they are applied. */

import type { Rule } from '../types.ts';
import { TRACE_CERT_EASA } from './TRACE-CERT-EASA.ts';
import { TRACE_CERT_FAA } from './TRACE-CERT-FAA.ts';
import { TRACE_DATE_1 } from './TRACE-DATE-1.ts';
import { TRACE_DATE_2 } from './TRACE-DATE-2.ts';
import { TRACE_DATE_3 } from './TRACE-DATE-3.ts';
import { TRACE_LLP_1 } from './TRACE-LLP-1.ts';
import { TRACE_LLP_2 } from './TRACE-LLP-2.ts';
import { TRACE_REG_1 } from './TRACE-REG-1.ts';
import { TRACE_SEQ_1 } from './TRACE-SEQ-1.ts';
import { TRACE_SEQ_2 } from './TRACE-SEQ-2.ts';
import { TRACE_SEQ_3 } from './TRACE-SEQ-3.ts';
import { TRACE_SEQ_4 } from './TRACE-SEQ-4.ts';

export const RULES: readonly Rule[] = [
  TRACE_REG_1,
  TRACE_DATE_1,
  TRACE_CERT_EASA,
  TRACE_CERT_FAA,
  TRACE_LLP_1,
  TRACE_LLP_2,
  TRACE_DATE_2,
  TRACE_DATE_3,
  TRACE_SEQ_1,
  TRACE_SEQ_2,
  TRACE_SEQ_3,
  TRACE_SEQ_4,
];
