/**
 * The rules Airlock implements: the families' lists, concatenated in the order they are applied,
 * and the version recorded in every envelope. docs/rules.md lists every rule id of REGULATORY.md
 * with its status; a test keeps the two in step.
 */
import { RULES as ACR } from './acr/index.ts';
import { RULES as CAMO } from './camo/index.ts';
import { RULES as CTX } from './ctx/index.ts';
import { RULES as ESIG } from './esig/index.ts';
import { RULES as LOG } from './log/index.ts';
import { RULES as MEAS } from './meas/index.ts';
import { RULES as PART } from './part/index.ts';
import { RULES as REG } from './reg/index.ts';
import { RULES as RET } from './ret/index.ts';
import { RULES as TIME } from './time/index.ts';
import { RULES as TRACE } from './trace/index.ts';
import type { Rule } from './types.ts';

/** Recorded in every envelope (rule_set_version): which rules and parameters judged the record. */
export const RULES_VERSION = 'airlock-rules/2';

export const FAMILIES = {
  ctx: CTX,
  reg: REG,
  time: TIME,
  part: PART,
  acr: ACR,
  meas: MEAS,
  trace: TRACE,
  log: LOG,
  camo: CAMO,
  esig: ESIG,
  ret: RET,
} as const;

export const RULES: readonly Rule[] = Object.values(FAMILIES).flat();
