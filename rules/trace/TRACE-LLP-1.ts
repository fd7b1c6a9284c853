import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule } from '../types.ts';

/**
 * TRACE-LLP-1: removing a life-limited part needs its life_status and a disposition (14 CFR
 * 43.10(b),(c)), unless it is a temporary removal from the same product.
 */
export const TRACE_LLP_1: Rule = {
  id: 'TRACE-LLP-1',
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  check(record) {
    if (record.life_limited !== true || record.installation_status !== 'removed') return [];
    if (record.temporary_same_product === true) return [];
    const out = [];
    if (record.life_status == null)
      out.push(
        finding('TRACE-LLP-1', 'ERROR', '/life_status', 'a removed life-limited part needs life_status'),
      );
    if (record.disposition == null)
      out.push(
        finding('TRACE-LLP-1', 'ERROR', '/disposition', 'a removed life-limited part needs a disposition'),
      );
    return out;
  },
};
