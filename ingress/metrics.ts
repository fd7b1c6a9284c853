/** Prometheus metrics of the ingress (GET /metrics), named by stage: airlock_ingress_*. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface IngressMetrics {
  registry: Registry;
  requests: Counter<'route' | 'status'>;
  /** Authenticated requests by tenant (a configured tenant, else `other`: bounded), route and status. */
  tenantRequests: Counter<'tenant' | 'route' | 'status'>;
  /** Requests refused 429, by the policy that refused them (`identity`, `tenant`) and tenant. */
  rateLimited: Counter<'policy' | 'tenant'>;
  rejections: Counter<'code'>;
  /** Access decisions not written to the audit trail in time (`late`) or at all (`failed`). */
  accessAuditFailures: Counter<'reason'>;
  publishSeconds: Histogram;
  batchRecords: Histogram;
  /** Transactions by outcome (ingress/publisher.ts `TransactionOutcome`). */
  transactions: Counter<'outcome'>;
  /** Rules that threw on a record (refused as RULE_ERROR), by rule id: a bug to fix in the rule. */
  ruleErrors: Counter<'rule'>;
  /** TLS material reloads by outcome (`ok`, `failed`: the previous material kept). */
  tlsReloads: Counter<'outcome'>;
  /** 1 while the last reload failed and the previous TLS material is still served. */
  tlsReloadFailing: Gauge;
  /** When the served certificate expires (seconds since the epoch), for the alert before it does. */
  tlsCertificateExpiry: Gauge;
  /** airlock.yaml reloads by outcome (`applied`, `unchanged`, `failed`: the running one kept). */
  configReloads: Counter<'outcome'>;
  /** Requests refused (421) on a connection opened before the client trust (CA bundle, CRL) changed. */
  retiredConnectionRequests: Counter;
  /** HTTP/2 sessions ended for rapid reset, streams cut by the request timeout (ingress/http2.ts). */
  http2Abuse: Counter<'reason'>;
  /** Requests shed (503 OVERLOADED) by route (ingress/shedding.ts). */
  shed: Counter<'route'>;
  /** Sets what the shedding gauges read at each scrape: the shedder's state. */
  watchShedding(read: () => { level: number; inFlightRecords: number; publishMs: number }): void;
}

export function createIngressMetrics(): IngressMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'airlock_ingress_' });
  // Read at each scrape, so that an idle ingress shows its shedding end without a request.
  let shedding: (() => { level: number; inFlightRecords: number; publishMs: number }) | undefined;
  new Gauge({
    name: 'airlock_ingress_shedding_level',
    help: 'Load shedding: 0 none, n the routes of the n lowest priority classes refused 503 OVERLOADED (the highest of the workers)',
    aggregator: 'max',
    registers: [registry],
    collect() {
      if (shedding) this.set(shedding().level);
    },
  });
  new Gauge({
    name: 'airlock_ingress_publish_in_flight_records',
    help: 'Records handed to the publisher and not yet committed or refused (a shedding signal)',
    registers: [registry],
    collect() {
      if (shedding) this.set(shedding().inFlightRecords);
    },
  });
  new Gauge({
    name: 'airlock_ingress_publish_recent_seconds',
    help: 'Recent publish time: mean over the requests settled in the last second and the ages of those still waiting (a shedding signal; the highest of the workers)',
    aggregator: 'max',
    registers: [registry],
    collect() {
      if (shedding) this.set(shedding().publishMs / 1000);
    },
  });
  return {
    watchShedding: (read) => {
      shedding = read;
    },
    shed: new Counter({
      name: 'airlock_ingress_shed_total',
      help: 'Requests refused 503 OVERLOADED by load shedding, by route',
      labelNames: ['route'],
      registers: [registry],
    }),
    registry,
    requests: new Counter({
      name: 'airlock_ingress_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    tenantRequests: new Counter({
      name: 'airlock_ingress_tenant_requests_total',
      help: 'Authenticated HTTP requests by tenant (configured tenants; any other is "other"), route and status',
      labelNames: ['tenant', 'route', 'status'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'airlock_ingress_rate_limited_total',
      help: 'Requests refused 429 by the rate-limit policy that refused them (identity, tenant) and tenant',
      labelNames: ['policy', 'tenant'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'airlock_ingress_rejections_total',
      help: 'Rejected requests and batch records by error code (UNAUTHENTICATED counts JWT failures)',
      labelNames: ['code'],
      registers: [registry],
    }),
    accessAuditFailures: new Counter({
      name: 'airlock_ingress_access_audit_failures_total',
      help: 'Access decisions whose audit record was not acknowledged within AIRLOCK_ACCESS_AUDIT_WAIT_MS (late) or could not be written (failed); the request was answered anyway',
      labelNames: ['reason'],
      registers: [registry],
    }),
    publishSeconds: new Histogram({
      name: 'airlock_ingress_publish_seconds',
      help: "A request's records: from hand-over to the commit of their transaction (acks=all)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    transactions: new Counter({
      name: 'airlock_ingress_transactions_total',
      help: 'Publish transactions by outcome: committed, aborted (nothing visible), read back after an unanswered commit (committed or aborted), unknown',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ruleErrors: new Counter({
      name: 'airlock_ingress_rule_errors_total',
      help: 'Records a rule threw on (refused as RULE_ERROR), by rule id',
      labelNames: ['rule'],
      registers: [registry],
    }),
    tlsReloads: new Counter({
      name: 'airlock_ingress_tls_reloads_total',
      help: 'TLS material reloads by outcome: ok, or failed (the previous material is kept)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    tlsReloadFailing: new Gauge({
      name: 'airlock_ingress_tls_reload_failing',
      help: '1 while the last TLS reload failed and the previous material is still served',
      registers: [registry],
    }),
    tlsCertificateExpiry: new Gauge({
      name: 'airlock_ingress_tls_certificate_expiry_timestamp_seconds',
      help: 'When the server certificate being served expires (Unix time)',
      registers: [registry],
    }),
    configReloads: new Counter({
      name: 'airlock_ingress_config_reloads_total',
      help: 'airlock.yaml reloads by outcome: applied, unchanged (nothing reloadable changed), failed (the running configuration is kept)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    retiredConnectionRequests: new Counter({
      name: 'airlock_ingress_retired_connection_requests_total',
      help: 'Requests refused (421) on a connection opened before the client CA bundle or CRL changed',
      registers: [registry],
    }),
    http2Abuse: new Counter({
      name: 'airlock_ingress_http2_abuse_total',
      help: 'HTTP/2 sessions ended with GOAWAY ENHANCE_YOUR_CALM (rapid-reset) and streams cut by the request timeout (request-timeout)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    batchRecords: new Histogram({
      name: 'airlock_ingress_batch_records',
      help: 'Records per batch request',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
  };
}
