import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

const ID = 'CTX-WO-2';

/**
 * CTX-WO-2 (WARN): the customer's own work order, contract or invoice number (Form 1 / 8130-3
 * block 5) travels as `external_work_order_ref`, free text of 1–40 characters — never in place of
 * `work_order_id`. A component release (a record with a release certificate) without it is a WARN.
 */
export const CTX_WO_2: Rule = {
  id: ID,
  routes: ['parts-trace'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record, { context }) {
    const path = '/external_work_order_ref';
    const v = str(record.external_work_order_ref);
    if (v === undefined || v.trim().length === 0)
      return str(record.airworthiness_certificate_ref) === undefined
        ? []
        : [
            finding(
              ID,
              'WARN',
              path,
              "a component release carries the customer's work order or invoice number (block 5)",
            ),
          ];
    if (v.length > 40) return [finding(ID, 'WARN', path, 'at most 40 characters (block 5)')];
    if (v.toLowerCase() === str(context.work_order_id)?.toLowerCase())
      return [finding(ID, 'WARN', path, "the customer's own reference, not Airlock's work_order_id")];
    return [];
  },
};
