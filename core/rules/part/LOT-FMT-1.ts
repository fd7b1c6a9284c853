import { ALL_RULE_SETS, finding, type Rule, str } from '../types.ts';

const LOT = /^[A-Z0-9](?:[A-Z0-9./-]{0,18}[A-Z0-9])?$/;

/** LOT-FMT-1: batch_lot_code is at most 20 of [A-Z0-9./-] (GS1 AI(10) X..20, restricted). */
export const LOT_FMT_1: Rule = {
  id: 'LOT-FMT-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const lot = str(record.batch_lot_code);
    if (lot === undefined || LOT.test(lot)) return [];
    return [
      finding(
        'LOT-FMT-1',
        'ERROR',
        '/batch_lot_code',
        'batch_lot_code must be 1-20 of A-Z 0-9 . / -, alphanumeric at both ends',
      ),
    ];
  },
};
