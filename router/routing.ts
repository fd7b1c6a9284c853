/**
 * The routing table: which destination topic(s) a validated record goes to. Pure: no I/O.
 * Issue #2 ships the default table (one destination per route); the declarative, field-matching
 * table of issue #5 replaces `defaultRoutingTable` behind the same `routeRecord`.
 */
import type { Config } from '../core/config.ts';
import { ROUTES, type RouteName } from '../core/contract.ts';

export interface RoutingRule {
  route: RouteName;
  destinations: readonly string[];
}

export function defaultRoutingTable(config: Config): readonly RoutingRule[] {
  return (Object.keys(ROUTES) as RouteName[]).map((route) => ({
    route,
    destinations: [ROUTES[route].destination(config)],
  }));
}

/** Destinations for a record, in table order, without duplicates; empty when no rule matches. */
export function routeRecord(table: readonly RoutingRule[], envelope: { route: string }): string[] {
  const out = new Set<string>();
  for (const rule of table) if (rule.route === envelope.route) for (const d of rule.destinations) out.add(d);
  return [...out];
}
