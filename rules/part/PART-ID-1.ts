import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/** PART-ID-1: a batch-controlled item sends serial_number "N/A" and a non-blank batch_lot_code. */
export const PART_ID_1: Rule = {
  id: 'PART-ID-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    if (record.serial_number !== 'N/A') return [];
    if ((str(record.batch_lot_code) ?? '').trim() !== '') return [];
    return [finding('PART-ID-1', 'ERROR', '/batch_lot_code', 'serial_number "N/A" needs a batch_lot_code')];
  },
};
