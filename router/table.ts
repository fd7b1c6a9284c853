/**
 * The declarative routing table (docs/routing.md): rules that match a validated record on its
 * route, its rule set and fields of its envelope, each naming one or more destinations. Every
 * matching rule contributes (fan-out); no match → DLQ. Pure: parsing, validation and matching, no I/O.
 */
import { z } from 'zod';
import type { Config } from '../core/config/schema.ts';
import { type AvroSchema, ROUTES, type RouteContract, type RouteName } from '../core/contract.ts';
import { CHECK_IDS, type Reason } from '../core/errors.ts';
import { RULE_SETS } from '../rules/rule-set.ts';

export const DESTINATIONS = {
  logbook: 'logbook',
  partsTrace: 'partsTrace',
  complianceAudit: 'complianceAudit',
  measurements: 'measurements',
} as const;
type DestinationKey = keyof typeof DESTINATIONS;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const ruleSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  match: z.strictObject({
    route: z.enum(Object.keys(ROUTES) as [RouteName, ...RouteName[]]),
    ruleSet: z.array(z.enum(RULE_SETS)).min(1).optional(),
    /** JSON pointer into the envelope → the values it may have. */
    fields: z.record(z.string().regex(/^(\/[^/]+)+$/), z.array(scalar).min(1)).optional(),
  }),
  to: z.array(z.enum(Object.keys(DESTINATIONS) as [DestinationKey, ...DestinationKey[]])).min(1),
});
const tableSchema = z.array(ruleSchema).min(1);

export type RoutingRuleSpec = z.infer<typeof ruleSchema>;

export interface RoutingRule {
  name: string;
  route: RouteName;
  ruleSets: readonly string[] | undefined;
  fields: readonly [string[], readonly unknown[]][];
  destinations: readonly string[];
}

export class RoutingTableError extends Error {
  override readonly name = 'RoutingTableError';
}

/** The default: each route to its own destination topic. */
export function defaultRoutingSpec(): RoutingRuleSpec[] {
  const to: Record<RouteName, DestinationKey> = {
    logbook: 'logbook',
    'parts-trace': 'partsTrace',
    'compliance-audit': 'complianceAudit',
    measurements: 'measurements',
  };
  return (Object.keys(ROUTES) as RouteName[]).map((route) => ({
    name: `${route}-default`,
    match: { route },
    to: [to[route]],
  }));
}

/** The Avro type at a JSON pointer of a record schema, or undefined when there is no such field. */
function typeAt(schema: AvroSchema, path: string[]): unknown {
  let node: unknown = schema;
  for (const segment of path) {
    const record = (
      Array.isArray(node) ? node.find((b) => typeof b === 'object' && b?.type === 'record') : node
    ) as AvroSchema | undefined;
    const field = record?.fields?.find((f) => (f as { name?: string }).name === segment) as
      | { type?: unknown }
      | undefined;
    if (!field) return undefined;
    node = field.type;
  }
  return node;
}

/** Can this value ever appear at that place of the schema? (An enum's symbols, a primitive's kind.) */
function reachable(type: unknown, value: unknown): boolean {
  const branches = Array.isArray(type) ? type : [type];
  return branches.some((b) => {
    if (b === 'null') return value === null;
    if (b === 'string') return typeof value === 'string';
    if (b === 'boolean') return typeof value === 'boolean';
    if (b === 'int' || b === 'long' || b === 'float' || b === 'double') return typeof value === 'number';
    if (typeof b === 'object' && b !== null) {
      const t = b as { type?: unknown; symbols?: string[]; logicalType?: string };
      if (t.type === 'enum') return typeof value === 'string' && (t.symbols ?? []).includes(value);
      if (typeof t.type === 'string' && t.type !== 'record' && t.type !== 'array' && t.type !== 'map')
        return reachable(t.type, value);
    }
    return false;
  });
}

/** Parses and validates a table: unknown keys, destinations, unreachable or duplicate rules are errors. */
export function parseRoutingTable(
  input: unknown,
  config: Config,
  contracts: ReadonlyMap<RouteName, RouteContract>,
): RoutingRule[] {
  const parsed = tableSchema.safeParse(input);
  if (!parsed.success) {
    throw new RoutingTableError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(table)'}: ${i.message}`).join('; '),
    );
  }
  const problems: string[] = [];
  const names = new Set<string>();
  const matches = new Map<string, string>();
  const rules: RoutingRule[] = [];
  for (const spec of parsed.data) {
    if (names.has(spec.name)) problems.push(`${spec.name}: duplicate rule name`);
    names.add(spec.name);
    const key = JSON.stringify(spec.match);
    const twin = matches.get(key);
    if (twin) problems.push(`${spec.name}: duplicate rule, matches exactly what ${twin} matches`);
    matches.set(key, spec.name);
    const contract = contracts.get(spec.match.route);
    const fields: [string[], readonly unknown[]][] = [];
    for (const [pointer, values] of Object.entries(spec.match.fields ?? {})) {
      const path = pointer
        .slice(1)
        .split('/')
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
      const type = contract ? typeAt(contract.recordSchema, path) : undefined;
      if (type === undefined)
        problems.push(
          `${spec.name}: unreachable, ${pointer} is not a field of the ${spec.match.route} envelope`,
        );
      else
        for (const v of values) {
          if (!reachable(type, v))
            problems.push(`${spec.name}: unreachable, ${pointer} can never be ${JSON.stringify(v)}`);
        }
      fields.push([path, values]);
    }
    rules.push({
      name: spec.name,
      route: spec.match.route,
      ruleSets: spec.match.ruleSet,
      fields,
      destinations: [...new Set(spec.to.map((d) => config.topics[d]))],
    });
  }
  if (problems.length > 0) throw new RoutingTableError(problems.join('; '));
  return rules;
}

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined,
    value,
  );

/** Why a record with no matching rule goes to the DLQ (the router), or would (the replay dry run). */
export function noRouteMatch(route: string): Reason {
  return {
    code: 'NO_ROUTE_MATCH',
    rule: CHECK_IDS.routing,
    path: '/route',
    message: `no routing rule matches this ${route} record`,
  };
}

/** Destinations for an envelope, in table order, without duplicates; empty when no rule matches. */
export function matchDestinations(
  table: readonly RoutingRule[],
  envelope: Record<string, unknown>,
): string[] {
  const out = new Set<string>();
  for (const rule of table) {
    if (rule.route !== envelope.route) continue;
    if (rule.ruleSets && !rule.ruleSets.includes(String(envelope.rule_set))) continue;
    if (!rule.fields.every(([path, values]) => values.some((v) => v === at(envelope, path)))) continue;
    for (const d of rule.destinations) out.add(d);
  }
  return [...out];
}
