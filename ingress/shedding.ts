/**
 * Load shedding by route priority (issue #15 §4, docs/adr/0014-load-shedding.md). When publishing
 * slows down, the routes of the lowest priority classes are refused 503 OVERLOADED with Retry-After
 * before their bodies are read, so that airworthiness records keep their latency while bulk
 * measurements wait; the alternative is every route slowing down together until publish timeouts
 * turn all of them into 503s and the queued records into memory.
 *
 * The pressure is measured from the publisher (ingress/publish/pressure.ts), as a multiple of its
 * thresholds: the largest of in-flight records / maxInFlightRecords and publish time /
 * maxPublishMs, and 1 while the publisher's breaker is not closed (onBreakerHalfOpen). At n times
 * the thresholds the n lowest priority classes are shed (level n); the highest class is never shed
 * here (only the breaker and the publish timeout refuse it). A level is held `holdMs` after the
 * pressure last called for it: shedding itself lowers the pressure, and without the hold the level
 * would flap on every request.
 */
import type { Config } from '../core/config/schema.ts';
import type { RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import type { PublishPressure } from './publish/pressure.ts';

export type SheddingSettings = Config['ingress']['shedding'];
type Priorities = SheddingSettings['priorities'];

/** The pressure as a multiple of its thresholds (1: a threshold reached). */
export function pressureRatio(p: PublishPressure, s: SheddingSettings): number {
  const breaker = s.onBreakerHalfOpen && p.breaker !== 'closed' ? 1 : 0;
  return Math.max(p.inFlightRecords / s.maxInFlightRecords, p.publishMs / s.maxPublishMs, breaker);
}

/** The priority classes, lowest first: the distinct priorities the routes have. */
export function priorityClasses(priorities: Priorities): number[] {
  return [...new Set(Object.values(priorities))].sort((a, b) => a - b);
}

/** The level a pressure ratio calls for: n times the thresholds shed n classes, never the highest. */
export function levelFor(ratio: number, classes: number): number {
  if (!Number.isFinite(ratio) || ratio < 1) return 0;
  return Math.min(Math.max(0, classes - 1), Math.floor(ratio));
}

/** The routes a level sheds: those whose priority is one of the `level` lowest classes. */
export function shedRoutesAt(level: number, priorities: Priorities): RouteName[] {
  if (level <= 0) return [];
  const below = priorityClasses(priorities)[level];
  if (below === undefined) return [];
  return (Object.keys(priorities) as RouteName[]).filter((r) => priorities[r] < below).sort();
}

/** What /health/ready says of the shedding (beside readiness: shedding is not unreadiness). */
export interface SheddingState {
  enabled: boolean;
  level: number;
  /** When the current episode of shedding began (RFC 3339), null when nothing is shed. */
  since: string | null;
  shedRoutes: RouteName[];
  inFlightRecords: number;
  publishMs: number;
  breaker: PublishPressure['breaker'];
}

export interface Shedder {
  /** Throws 503 OVERLOADED when the route is shed now (docs/api.md, order of checks, step 8a). */
  admit(route: RouteName): void;
  state(): SheddingState;
}

export interface ShedderOptions {
  settings: SheddingSettings;
  /** The publisher's pressure; without it (a publisher that does not say) nothing is shed. */
  pressure: (() => PublishPressure) | undefined;
  now?: () => number;
  /** Told when the level changes (the log line). */
  onLevel?: (level: number, shedRoutes: readonly RouteName[]) => void;
  /** Told of every request shed (the counter). */
  onShed?: (route: RouteName) => void;
}

const IDLE: PublishPressure = { inFlightRecords: 0, publishMs: 0, breaker: 'closed' };

export function createShedder(o: ShedderOptions): Shedder {
  const s = o.settings;
  const now = o.now ?? Date.now;
  const classes = priorityClasses(s.priorities).length;
  const enabled = s.enabled && o.pressure !== undefined;
  let level = 0;
  let heldUntil = 0;
  let since: number | undefined;
  let shed: RouteName[] = [];
  let last = IDLE;

  const setLevel = (next: number, t: number) => {
    if (next === level) return;
    since = next === 0 ? undefined : (since ?? t);
    level = next;
    shed = shedRoutesAt(level, s.priorities);
    o.onLevel?.(level, shed);
  };
  const evaluate = () => {
    if (!enabled || !o.pressure) return;
    const t = now();
    last = o.pressure();
    const wanted = levelFor(pressureRatio(last, s), classes);
    if (wanted >= level) {
      if (wanted > 0) heldUntil = t + s.holdMs;
      setLevel(wanted, t);
    } else if (t >= heldUntil) {
      if (wanted > 0) heldUntil = t + s.holdMs;
      setLevel(wanted, t);
    }
  };

  return {
    admit(route) {
      evaluate();
      if (level === 0 || !shed.includes(route)) return;
      o.onShed?.(route);
      throw new AirlockError(
        'OVERLOADED',
        `publishing is slow: the ${route} route is shed for now (level ${level}), higher-priority records go first; retry after ${s.retryAfterS} s`,
        { retryAfterSeconds: s.retryAfterS },
      );
    },
    state() {
      evaluate();
      return {
        enabled,
        level,
        since: since === undefined ? null : new Date(since).toISOString(),
        shedRoutes: [...shed],
        inFlightRecords: last.inFlightRecords,
        publishMs: Math.round(last.publishMs),
        breaker: last.breaker,
      };
    },
  };
}
