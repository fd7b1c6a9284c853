/**
 * A format rule: one string field of the record, checked against its format when it is present.
 * Most PART and ACR rules of REGULATORY.md are this shape; each keeps its own file, id and doc.
 */
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

export function formatRule(o: {
  id: string;
  field: string;
  ok: (value: string) => boolean;
  message: string;
  /** When the rule speaks about the value at all (another rule owns the rest). */
  appliesTo?: (value: string) => boolean;
}): Rule {
  return {
    id: o.id,
    routes: ['parts-trace'],
    ruleSets: ALL_RULE_SETS,
    structural: true,
    check(record) {
      const v = str(record[o.field]);
      if (v === undefined || (o.appliesTo && !o.appliesTo(v)) || o.ok(v)) return [];
      return [finding(o.id, 'ERROR', `/${o.field}`, o.message)];
    },
  };
}
