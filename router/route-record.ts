/**
 * Where the router decides: one validated envelope → its destinations (each with the schema id its
 * copy is encoded with), or the DLQ when no rule of the table matches. Pure: no I/O, so the
 * decision is tested without Kafka (router/main.ts decodes, encodes and produces).
 */

import type { Config } from '../core/config/schema.ts';
import { isRouteName, type KeyKind, ROUTES, type RouteName, recordKey } from '../core/contract.ts';
import { AirlockError, type ErrorCode, type Reason } from '../core/errors.ts';
import { matchDestinations, noRouteMatch, type RoutingRule } from './table.ts';

/** The table as it is served: its rules, and the registered schema of every (destination, route). */
export interface ActiveTable {
  rules: readonly RoutingRule[];
  /** Schema id by `<topic>|<route>`. */
  schemaIds: ReadonlyMap<string, number>;
  /** Each destination topic's key kind: the key of the route whose ledger it is. */
  keys: ReadonlyMap<string, KeyKind>;
}

/** Destination topic → key kind: a copy fanned out to another route's topic takes that topic's key. */
export function destinationKeys(config: Config): ReadonlyMap<string, KeyKind> {
  return new Map(Object.values(ROUTES).map((r) => [r.destination(config), r.key]));
}

export const schemaKey = (topic: string, route: RouteName) => `${topic}|${route}`;

export type RouteDecision =
  | { kind: 'routed'; route: RouteName; destinations: { topic: string; schemaId: number; key: string }[] }
  | { kind: 'rejected'; code: ErrorCode; reasons: Reason[] };

export function routeRecord(table: ActiveTable, envelope: Record<string, unknown>): RouteDecision {
  const route = String(envelope.route);
  const topics = isRouteName(route) ? matchDestinations(table.rules, envelope) : [];
  if (!isRouteName(route) || topics.length === 0) {
    return { kind: 'rejected', code: 'NO_ROUTE_MATCH', reasons: [noRouteMatch(route)] };
  }
  const payload = (envelope.payload ?? {}) as Record<string, unknown>;
  const context = (envelope.maintenance_context ?? {}) as { aircraft_registration?: unknown };
  const registration = String(context.aircraft_registration ?? '');
  const destinations = topics.map((topic) => {
    const schemaId = table.schemaIds.get(schemaKey(topic, route));
    // loadTable registers every schema a table needs before it is served: a gap is our bug.
    if (schemaId === undefined) throw new AirlockError('INTERNAL', `no schema id for ${topic}`);
    // DESIGN.md "Records": a destination record is keyed by the destination's own key.
    const key = recordKey(table.keys.get(topic) ?? ROUTES[route].key, payload, registration);
    return { topic, schemaId, key };
  });
  return { kind: 'routed', route, destinations };
}
