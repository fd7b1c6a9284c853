/** What a rule of REGULATORY.md is: a pure function with an id, from (record, context) to findings. */
import type { z } from 'zod';
import { ruleParamsSchema } from '../core/config/schema.ts';
import type { RouteName } from '../core/contract.ts';
import type { HistoryRead } from '../core/history/history.ts';
import type { MaintenanceContext } from './context.ts';
import type { ReferenceData } from './refdata.ts';
import type { RuleSet } from './rule-set.ts';

export type Severity = 'ERROR' | 'WARN';

export interface Finding {
  rule: string;
  severity: Severity;
  /** JSON pointer into the payload ("" for the request context). */
  path: string;
  message: string;
}

/**
 * The rules' parameters (core/config/schema.ts `ruleParamsSchema`, the one statement of them), the
 * rule ids switched off by the rule-set file, and its version.
 */
export type RuleParams = Readonly<z.output<typeof ruleParamsSchema>> & {
  /** Rule ids switched off by the rule-set configuration (conventions an operator does not use). */
  readonly disabled: readonly string[];
  /** Version of the rule-set configuration, recorded in every envelope. */
  readonly version: string;
};

export const DEFAULT_RULE_PARAMS: RuleParams = Object.freeze({
  ...ruleParamsSchema.parse({}),
  disabled: [],
  version: 'default',
});

export interface RuleContext {
  /** The ingress route of the record: which payload schema it has. */
  route: RouteName;
  now: Date;
  ruleSet: RuleSet;
  context: MaintenanceContext;
  params: RuleParams;
  /** The reference data, where the process has it (the validators); absent at the ingress. */
  reference?: ReferenceData | undefined;
  /** The record's partition history (the validators, the DLQ dry run); absent at the ingress. */
  history?: HistoryRead | undefined;
}

export type Payload = Readonly<Record<string, unknown>>;

export interface Rule {
  readonly id: string;
  /** Routes the rule reads; 'all' for rules about the request context. */
  readonly routes: readonly RouteName[] | 'all';
  readonly ruleSets: readonly RuleSet[];
  /** Format-only rules: the only ones applied under rule set OTHER (REGULATORY.md §0). */
  readonly structural: boolean;
  /** Needs reference data: judged only where it is materialised, unless referenceData is off. */
  readonly reference?: boolean;
  /** Reads the record's history (rules/history.ts): judged only where the history is held. */
  readonly history?: boolean;
  check(record: Payload, ctx: RuleContext): Finding[];
}

export const finding = (rule: string, severity: Severity, path: string, message: string): Finding => ({
  rule,
  severity,
  path,
  message,
});

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A non-blank string (after trimming), else undefined. */
export const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim().length > 0 ? v : undefined;

/** The value at a JSON pointer of a record (RFC 6901, no escapes needed for Airlock's field names). */
export function at(record: Payload, pointer: string): unknown {
  let node: unknown = record;
  for (const key of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}
