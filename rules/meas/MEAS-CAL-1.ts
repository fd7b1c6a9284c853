import { eventMomentOr } from '../lib/event-time.ts';
import { onOrAfter, within } from '../lib/validity.ts';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { type Finding, finding, type Rule, str } from '../types.ts';

const ID = 'MEAS-CAL-1';

/**
 * MEAS-CAL-1: the reading was taken by a controlled, calibrated tool (EASA 145.A.40(b): tools
 * "controlled and calibrated to an officially recognised standard"; 14 CFR 145.109(b): test and
 * inspection equipment "calibrated to a standard acceptable to the FAA"). The tool is in the tool
 * register (airlock.ref.tools), of the record's tool type, under the calibration certificate the
 * record names, not withdrawn, and calibrated on the measured date: calibrated_on ≤ measured_at ≤
 * calibration_due, both days included (a date-only value against the reading's local date). A tool
 * the register does not know fails closed. Validators only.
 */
export const MEAS_CAL_1: Rule = {
  id: ID,
  routes: ['measurements'],
  ruleSets: ALL_RULE_SETS,
  structural: false,
  reference: true,
  check(record, { reference, now }) {
    const toolId = str(record.tool_id);
    if (!reference || toolId === undefined) return [];
    const tool = reference.get('tools', toolId);
    if (tool === undefined)
      return [finding(ID, 'ERROR', '/tool_id', `${toolId} is not in the tool register`)];
    const out: Finding[] = [];
    const type = str(record.tool_type);
    if (type !== tool.tool_type)
      out.push(
        finding(
          ID,
          'ERROR',
          '/tool_type',
          `the tool register lists ${toolId} as a ${tool.tool_type}, not ${type}`,
        ),
      );
    const cert = str(record.calibration_certificate_ref);
    if (cert !== tool.calibration_certificate_ref)
      out.push(
        finding(
          ID,
          'ERROR',
          '/calibration_certificate_ref',
          `the tool register holds calibration certificate ${tool.calibration_certificate_ref} for ${toolId}, not ${cert}`,
        ),
      );
    const at = eventMomentOr('measurements', record, now);
    if (tool.withdrawn_at !== null && onOrAfter(at, tool.withdrawn_at))
      out.push(
        finding(ID, 'ERROR', '/tool_id', `${toolId} was withdrawn from service on ${tool.withdrawn_at}`),
      );
    if (!within(tool.calibrated_on, tool.calibration_due, at))
      out.push(
        finding(
          ID,
          'ERROR',
          '/measured_at',
          onOrAfter(at, tool.calibrated_on)
            ? `the calibration of ${toolId} was valid only until ${tool.calibration_due}, before the reading`
            : `${toolId} was calibrated only on ${tool.calibrated_on}, after the reading`,
        ),
      );
    return out;
  },
};
