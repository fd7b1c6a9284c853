/**
 * MEAS-UNIT-1's table: the units a reading may carry, by the kind of tool that took it. Codes are
 * UCUM-style ASCII (case-sensitive; `N.m` is a newton metre, `um` a micrometre, `Cel` a degree
 * Celsius) but not strict UCUM, which writes customary units in brackets (`[psi]`, `[lbf_av]`):
 * what tool gateways send. docs/rules.md prints this table; a test keeps the two in step.
 */
import type { ToolType } from '../../core/generated/avro-types.ts';

const TORQUE = ['N.m', 'N.cm', 'lbf.ft', 'lbf.in'] as const;
const PRESSURE = ['kPa', 'hPa', 'bar', 'psi'] as const;
const LENGTH = ['mm', 'um', 'in'] as const;
const FORCE = ['N', 'daN', 'lbf'] as const;

export const UNITS_BY_TOOL_TYPE: Readonly<Record<ToolType, readonly string[]>> = {
  TORQUE_WRENCH: TORQUE,
  TORQUE_SCREWDRIVER: TORQUE,
  TORQUE_ANALYSER: TORQUE,
  PRESSURE_GAUGE: PRESSURE,
  MICROMETER: LENGTH,
  CALIPER: LENGTH,
  DIAL_INDICATOR: LENGTH,
  FEELER_GAUGE: LENGTH,
  ULTRASONIC_THICKNESS: LENGTH,
  CABLE_TENSIOMETER: FORCE,
  // Bonding (electrical continuity of structure and equipment): milliohms, an ohm or so at most.
  BONDING_METER: ['ohm', 'mOhm'],
  // Insulation resistance: megohms, the gigohms of a healthy harness; an ohm reading is a multimeter's.
  INSULATION_TESTER: ['MOhm', 'GOhm'],
  MULTIMETER: ['ohm', 'mOhm', 'V', 'mV', 'A'],
  THERMOMETER: ['Cel', 'degF'],
};

/** Every unit of the table. */
export const UNITS: ReadonlySet<string> = new Set(Object.values(UNITS_BY_TOOL_TYPE).flat());

/** The units a tool type may report, or undefined for a type the table does not know. */
export const unitsFor = (toolType: string): readonly string[] | undefined =>
  Object.hasOwn(UNITS_BY_TOOL_TYPE, toolType) ? UNITS_BY_TOOL_TYPE[toolType as ToolType] : undefined;
