import { recordKey } from '../../core/keys.ts';
import { history, type PartState, serialised } from '../history.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import type { Finding, Payload, Rule } from '../types.ts';
import { historyRule } from './history-rule.ts';

/**
 * A TRACE-SEQ rule: a serialised part's events form a state machine (91.417(a)(2)(ii), GM M.A.305),
 * judged against the part's last state in the validators' history (rules/history.ts).
 */
export const partSequenceRule = (
  id: string,
  check: (record: Payload, part: PartState | undefined) => Finding[],
): Rule =>
  historyRule(id, ['parts-trace'], ALL_RULE_SETS, (record, h, ctx) =>
    serialised(record)
      ? check(record, history.part(h, recordKey('part', record, ctx.context.aircraft_registration)))
      : [],
  );

/** How a finding names the part's last event. */
export const lastEvent = (p: PartState) => `(${p.last_status} ${p.last_at}, trace ${p.trace_id})`;
