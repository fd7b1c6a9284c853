/**
 * What the ingress application is built from (build(options), fastify style), and the per-request
 * state its routes share. Its own module so that app.ts and the route files import it, not each other.
 */
import type { ServerOptions } from 'node:https';
import type { Config } from '../core/config/schema.ts';
import type { RouteContract, RouteName } from '../core/contract.ts';
import type { Logger } from '../core/logger.ts';
import type { StatusStore } from '../core/record-status/status.ts';
import type { HealthCheck } from '../core/stage/health-server.ts';
import type { StateStore } from '../core/store/store.ts';
import type { StageSpan, Tracing } from '../core/telemetry/tracing.ts';
import type { MaintenanceContext } from '../rules/context.ts';
import type { RuleSettings } from '../rules/settings.ts';
import type { AccessAudit, AuditWrite } from './access-audit.ts';
import type { Authenticator, Identity } from './identity.ts';
import type { IngressMetrics } from './metrics.ts';
import type { Publisher } from './publisher.ts';
import type { Shedder } from './shedding.ts';

/** A record of a request: its parsed value and the exact text it will be published as. */
export interface Item {
  value: unknown;
  raw: string;
  /** Set when an NDJSON line was not valid JSON. */
  parseError?: string;
}

export interface IngressDeps {
  config: Config;
  /**
   * The configuration as last reloaded (ingress/config-reload.ts): what the request limits, tenant
   * quotas and issuers read per request. `config` when absent.
   */
  current?: (() => Config) | undefined;
  logger: Logger;
  contract: ReadonlyMap<RouteName, RouteContract>;
  publisher: Publisher;
  authenticate: Authenticator;
  store: StateStore;
  metrics?: IngressMetrics | undefined;
  /** Record status (core/status); in-process when absent. */
  status?: StatusStore | undefined;
  /** The rule-set configuration (rules/settings.ts); from `config` when absent. */
  rules?: RuleSettings | undefined;
  /**
   * Bytes a record (its JSON text) may take so that it fits every topic on its way
   * (core/kafka/topics.ts recordLimitBytes); unbounded when absent.
   */
  recordLimitBytes?: (() => number) | undefined;
  /** What GET /health/ready checks (Kafka, the registry, Redis, the JWKS). */
  readiness: readonly HealthCheck[];
  isDraining?: () => boolean;
  /** Further state /health/ready shows without deciding readiness (the last TLS reload). */
  readinessInfo?: () => Record<string, unknown>;
  /** The text of GET /metrics; this process's registry when absent (every worker's under a cluster). */
  metricsText?: () => Promise<string>;
  /** The access audit trail (ingress/access-audit.ts); none when absent (tests, AIRLOCK_ACCESS_AUDIT=false). */
  accessAudit?: AccessAudit | undefined;
  /** This process in its audit records (its transactional id). */
  instance?: string | undefined;
  /** OpenTelemetry tracing (core/telemetry/tracing.ts); off when absent. */
  tracing?: Tracing | undefined;
  /** TLS options (mtls-jwt); absent for dev-insecure and for inject()-only tests. */
  https?: ServerOptions | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    airlock?: {
      traceId: string;
      /** The request's SERVER span, ended with its answer (ingress/app.ts). */
      span?: StageSpan;
      identity?: Identity;
      context?: MaintenanceContext;
      rawBody?: string;
      /** The records of an application/x-ndjson batch, one per line. */
      ndjson?: Item[];
      /** The error code the request was refused with (its access decision's reason). */
      refusedWith?: string;
      /** Its access decision being written (ingress/access-audit.ts); the answer waits for it. */
      audit?: AuditWrite;
    };
  }
}

/** The dependencies with their defaults filled in. */
export type ResolvedDeps = IngressDeps & {
  current: () => Config;
  metrics: IngressMetrics;
  /** Load shedding by route priority (ingress/shedding.ts). */
  shedder: Shedder;
  /** A tenant as a metric label: a configured tenant, else `other` (core/auth/issuers.ts knownTenants). */
  tenantLabel: (tenant: string) => string;
  rules: RuleSettings;
  status: StatusStore;
  tracing: Tracing;
  /** Starts an allowed request's access-audit write (ingress/access-audit.ts). */
  auditAllowed: (req: import('fastify').FastifyRequest) => void;
};
