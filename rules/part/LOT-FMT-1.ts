import { formatRule } from '../lib/format-rule.ts';

const LOT = /^[A-Z0-9](?:[A-Z0-9./-]{0,18}[A-Z0-9])?$/;

/** LOT-FMT-1: batch_lot_code is at most 20 of [A-Z0-9./-] (GS1 AI(10) X..20, restricted). */
export const LOT_FMT_1 = formatRule({
  id: 'LOT-FMT-1',
  field: 'batch_lot_code',
  ok: (lot) => LOT.test(lot),
  message: 'batch_lot_code must be 1-20 of A-Z 0-9 . / -, alphanumeric at both ends',
});
