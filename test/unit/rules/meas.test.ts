/**
 * The measurement rules (MEAS, `/v1/measurements`): MEAS-CAL-1 against an in-memory tool register
 * (TW-0042 calibrated 2025-05-01 until 2025-05-31), MEAS-SPEC-1 and MEAS-UNIT-1 on the record.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MEAS_CAL_1 } from '../../../rules/meas/MEAS-CAL-1.ts';
import { UNITS, UNITS_BY_TOOL_TYPE } from '../../../rules/meas/units.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { NOW } from './harness.ts';
import { fails, meas, ok, READING, register, warns } from './measurement.ts';

const cal = (patch: Record<string, unknown>, tool: Record<string, unknown> = {}, registration?: string) =>
  meas('MEAS-CAL-1', patch, { reference: register(tool), ...(registration ? { registration } : {}) });
const at = (measured_at: string, tool: Record<string, unknown> = {}) => cal({ measured_at }, tool);

describe('MEAS-CAL-1: a registered tool, calibrated on the measured date (145.A.40(b), 14 CFR 145.109(b))', () => {
  it('✔ TW-0042, CAL-2025-0042-03, measured 2025-05-30T09:14:03Z', () => ok(cal({})));
  it('✔ measured on calibrated_on (2025-05-01T00:00:00Z)', () => ok(at('2025-05-01T00:00:00Z')));
  it('✔ measured on calibration_due, its last second (2025-05-31T23:59:59Z)', () =>
    ok(at('2025-05-31T23:59:59Z')));
  it('✘ the day after calibration_due (2025-06-01T00:00:00Z)', () =>
    fails(at('2025-06-01T00:00:00Z'), '/measured_at'));
  it('✘ the day before calibrated_on (2025-04-30T23:59:59Z)', () =>
    fails(at('2025-04-30T23:59:59Z'), '/measured_at'));
  it('✔ 2025-05-31T22:40:00-05:00: 2025-06-01 in UTC, but the due day where it was measured', () =>
    ok(at('2025-05-31T22:40:00-05:00')));
  it('✘ 2025-06-01T01:00:00+02:00: still 2025-05-31 in UTC, but the day after due where it was measured', () =>
    fails(at('2025-06-01T01:00:00+02:00'), '/measured_at'));
  it('a date-time calibration_due is an instant: ✔ 11:59:59Z and 13:00+02:00, ✘ 12:00:01Z', () => {
    const due = { calibration_due: '2025-05-31T12:00:00Z' };
    ok(at('2025-05-31T11:59:59Z', due));
    ok(at('2025-05-31T14:00:00+02:00', due));
    fails(at('2025-05-31T12:00:01Z', due), '/measured_at');
  });
  it('✘ withdrawn the day it measured (withdrawn_at 2025-05-30)', () =>
    fails(cal({}, { withdrawn_at: '2025-05-30' }), '/tool_id'));
  it('✔ withdrawn the day after (withdrawn_at 2025-05-31)', () =>
    ok(cal({}, { withdrawn_at: '2025-05-31' })));
  it('✘ a tool not in the register (fails closed)', () => {
    const f = cal({ tool_id: 'TW-9999' });
    fails(f, '/tool_id');
    assert.match(f[0]?.message ?? '', /TW-9999 is not in the tool register/);
  });
  it('✘ an empty register knows no tool (fails closed)', () =>
    fails(meas('MEAS-CAL-1', {}, { reference: emptyRegister() }), '/tool_id'));
  it("✘ a calibration certificate other than the register's (CAL-2024-0042-02: the previous one)", () =>
    fails(cal({ calibration_certificate_ref: 'CAL-2024-0042-02' }), '/calibration_certificate_ref'));
  it("✘ a tool type other than the register's (TORQUE_SCREWDRIVER)", () =>
    fails(cal({ tool_type: 'TORQUE_SCREWDRIVER' }), '/tool_type'));
  it('✘✘ every problem is named: wrong type, wrong certificate, out of calibration', () =>
    assert.deepEqual(
      cal({
        tool_type: 'CALIPER',
        calibration_certificate_ref: 'X',
        measured_at: '2025-06-02T08:00:00Z',
      }).map((f) => [f.severity, f.path]),
      [
        ['ERROR', '/tool_type'],
        ['ERROR', '/calibration_certificate_ref'],
        ['ERROR', '/measured_at'],
      ],
    ));
  it('judges every rule set: ✘ an unknown tool on N123AZ (FAA) and G-EUPT (UK_CAA)', () => {
    fails(cal({ tool_id: 'TW-9999' }, {}, 'N123AZ'));
    fails(cal({ tool_id: 'TW-9999' }, {}, 'G-EUPT'));
  });
  it('without reference data (the ingress) it judges nothing: the validators do', () => {
    ok(meas('MEAS-CAL-1', { tool_id: 'TW-9999' }));
    const ctx = {
      route: 'measurements',
      now: NOW,
      ruleSet: 'EASA',
      context: {
        work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
        aircraft_registration: 'D-AIBL',
        technician_badge_hash: 'a'.repeat(64),
      },
      params: DEFAULT_RULE_PARAMS,
    } as const;
    ok(MEAS_CAL_1.check({ ...READING, tool_id: 'TW-9999' }, ctx));
  });
  it('an invalid measured_at (TIME-1 names it) is judged as of the receipt (2025-06-01: ✘ after due)', () =>
    fails(at('2025-05-30 09:14'), '/measured_at'));
});

function emptyRegister() {
  const r = register();
  r.apply('tools', 'TW-0042', null);
  return r;
}

const spec = (patch: Record<string, unknown>) => meas('MEAS-SPEC-1', patch);

describe('MEAS-SPEC-1: the tool result agrees with the specification', () => {
  it('✔ 452 N.m in [440, 460], PASS', () => ok(spec({})));
  it('✔ value == spec_min (440), PASS', () => ok(spec({ value: 440 })));
  it('✔ value == spec_max (460), PASS', () => ok(spec({ value: 460 })));
  it('✘ 439.9, just below spec_min, PASS', () => fails(spec({ value: 439.9 }), '/tool_result'));
  it('✘ 460.1, just above spec_max, PASS', () => fails(spec({ value: 460.1 }), '/tool_result'));
  it('✔ open upper bound: 1000 ≥ 440, PASS', () => ok(spec({ value: 1000, spec_max: null })));
  it('✔ open lower bound: -1000 ≤ 460, PASS', () => ok(spec({ value: -1000, spec_min: null })));
  it('✘ open upper bound: 171.5 psi below spec_min 180, PASS', () =>
    fails(spec({ value: 171.5, spec_min: 180, spec_max: null }), '/tool_result'));
  it('✔ no specification at all, PASS (nothing to judge against)', () =>
    ok(spec({ spec_min: null, spec_max: null })));
  it('✔ negative bounds: -25 Cel in [-40, -10], PASS', () =>
    ok(spec({ value: -25, spec_min: -40, spec_max: -10 })));
  it('✔ spec_min == spec_max == value, PASS', () => ok(spec({ value: 440, spec_min: 440, spec_max: 440 })));
  it('✘ spec_min 460 above spec_max 440', () => fails(spec({ spec_min: 460, spec_max: 440 }), '/spec_min'));
  it('✘ spec_min above spec_max, even on a FAIL', () =>
    fails(spec({ spec_min: 460, spec_max: 440, tool_result: 'FAIL' }), '/spec_min'));
  it('✔ FAIL outside the specification (470, and 171.5 psi below 180)', () => {
    ok(spec({ value: 470, tool_result: 'FAIL' }));
    ok(spec({ value: 171.5, spec_min: 180, spec_max: null, tool_result: 'FAIL' }));
  });
  it('✔ (WARN) FAIL inside the specification: the tool judged by tighter limits', () =>
    warns(spec({ tool_result: 'FAIL' })));
  it('✔ (WARN) FAIL on a bound (440)', () => warns(spec({ value: 440, tool_result: 'FAIL' })));
  it('✔ FAIL with no specification: nothing to compare, no WARN', () =>
    ok(spec({ spec_min: null, spec_max: null, tool_result: 'FAIL' })));
});

const unit = (patch: Record<string, unknown>) => meas('MEAS-UNIT-1', patch);

describe('MEAS-UNIT-1: a documented unit, one the tool type measures in', () => {
  for (const [type, units] of Object.entries(UNITS_BY_TOOL_TYPE))
    it(`✔ ${type}: ${units.join(', ')}`, () => {
      for (const u of units) ok(unit({ tool_type: type, unit: u }));
    });
  it('✘ "Nm" (not a code: N.m)', () => fails(unit({ unit: 'Nm' }), '/unit'));
  it('✘ "" (no unit)', () => fails(unit({ unit: '' }), '/unit'));
  it('✘ "n.M" names the case-sensitive code N.m', () =>
    assert.match(unit({ unit: 'n.M' })[0]?.message ?? '', /case-sensitive: N\.m/));
  it('✘ "mohm" names both mOhm and MOhm (a milliohm is not a megohm)', () =>
    assert.match(unit({ tool_type: 'BONDING_METER', unit: 'mohm' })[0]?.message ?? '', /mOhm or MOhm/));
  it('✘ psi from a TORQUE_WRENCH', () => fails(unit({ unit: 'psi' }), '/unit'));
  it('✘ N.m from a PRESSURE_GAUGE', () => fails(unit({ tool_type: 'PRESSURE_GAUGE', unit: 'N.m' }), '/unit'));
  it('✘ mm from a CABLE_TENSIOMETER', () =>
    fails(unit({ tool_type: 'CABLE_TENSIOMETER', unit: 'mm' }), '/unit'));
  it('✘ ohm from an INSULATION_TESTER (insulation is read in MOhm or GOhm)', () =>
    fails(unit({ tool_type: 'INSULATION_TESTER', unit: 'ohm' }), '/unit'));
  it('✘ MOhm from a BONDING_METER', () => fails(unit({ tool_type: 'BONDING_METER', unit: 'MOhm' }), '/unit'));
  it('the set is the union of the tool types’ units', () =>
    assert.deepEqual([...UNITS].sort(), [...new Set(Object.values(UNITS_BY_TOOL_TYPE).flat())].sort()));
  it('docs/rules.md prints the table as rules/meas/units.ts has it', () => {
    const doc = readFileSync(new URL('../../../docs/rules.md', import.meta.url), 'utf8');
    const documented: Record<string, string[]> = {};
    for (const m of doc.matchAll(/^\| [a-z ]+ \| ([A-Z_]+(?:, [A-Z_]+)*) \| ((?:`[^`]+`(?:, )?)+) \|$/gm))
      for (const type of (m[1] ?? '').split(', '))
        documented[type] = [...(m[2] ?? '').matchAll(/`([^`]+)`/g)].map((u) => u[1] ?? '');
    assert.deepEqual(documented, UNITS_BY_TOOL_TYPE);
  });
});
