/** A torque reading that passes every MEAS rule, and a tool register, for the MEAS rules' unit tests. */
import assert from 'node:assert/strict';
import { ReferenceMaps } from '../../../rules/refdata.ts';
import type { Finding } from '../../../rules/types.ts';
import { run } from './harness.ts';

/** avro/examples/measurement/valid/torque-in-spec.json, with TW-0042 of the tool register. */
export const READING = {
  measurement_id: '7d1c0a52-3c5e-4b8e-9f0a-2d6b1e4c8a11',
  aircraft_registration: 'D-AIBL',
  tool_id: 'TW-0042',
  tool_type: 'TORQUE_WRENCH',
  calibration_certificate_ref: 'CAL-2025-0042-03',
  task_card_ref: 'TC-32-41-11-01/step-4',
  point_ref: 'MLG-L axle nut',
  value: 452.0,
  unit: 'N.m',
  spec_min: 440.0,
  spec_max: 460.0,
  tool_result: 'PASS',
  measured_at: '2025-05-30T09:14:03Z',
  operator_badge_hash: null,
};

/** TW-0042, calibrated 2025-05-01 until 2025-05-31 (both days valid). */
export const TW_0042 = {
  tool_id: 'TW-0042',
  tool_type: 'TORQUE_WRENCH',
  calibration_certificate_ref: 'CAL-2025-0042-03',
  calibrated_on: '2025-05-01',
  calibration_due: '2025-05-31',
  withdrawn_at: null,
  standard: 'ISO 6789-2:2017',
} as const;

/** A tool register holding TW-0042, changed by `tool`. */
export function register(tool: Record<string, unknown> = {}): ReferenceMaps {
  const r = new ReferenceMaps();
  r.apply('tools', 'TW-0042', { ...TW_0042, ...tool });
  return r;
}

/** One MEAS rule on the reading changed by `patch`, against `reference` when given. */
export const meas = (
  id: string,
  patch: Record<string, unknown>,
  opts: { reference?: ReferenceMaps; registration?: string } = {},
) => run(id, patch, { route: 'measurements', base: READING, registration: 'D-AIBL', ...opts });

export const ok = (f: Finding[]) => assert.deepEqual(f, []);

/** Exactly one finding, an ERROR at `path` when given. */
export const fails = (f: Finding[], path?: string) => {
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.equal(f[0]?.severity, 'ERROR', JSON.stringify(f));
  if (path !== undefined) assert.equal(f[0]?.path, path, JSON.stringify(f));
};

/** Exactly one finding, a WARN. */
export const warns = (f: Finding[]) =>
  assert.deepEqual(
    f.map((x) => x.severity),
    ['WARN'],
    JSON.stringify(f),
  );
