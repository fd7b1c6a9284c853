/**
 * Airlock's whole configuration: one strict schema, validated once at start-up, frozen, passed down.
 * Environment variables are read only by each stage's entry file, which hands them to loadConfig().
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { jwtSection, MAX_CLOCK_TOLERANCE_S, tenantName } from './identity-schema.ts';
import { accessAuditSection, tracingSection } from './telemetry-schema.ts';

export type { IssuerSettings } from './identity-schema.ts';
export { MAX_CLOCK_TOLERANCE_S, tenantName };

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9092');
const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name: letters, digits, ".", "_" or "-"');
const ms = z.number().int().positive();
/** The ingress routes (core/contract.ts ROUTES, which imports this file's types). */
const routeName = z.enum(['logbook', 'parts-trace', 'compliance-audit', 'measurements']);
const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

const windowLimit = z.strictObject({ limit: z.number().int().min(1), windowMs: ms });

/**
 * The one schema of the rules' parameters, with their defaults: read from the environment here,
 * from the rule-set file by rules/settings.ts (every key optional there), and the type and defaults
 * the rules see (rules/types.ts). It lives in the configuration because core/ validates the whole
 * configuration once and imports no rule.
 */
export const ruleParamsSchema = z.strictObject({
  // TIME-4: how far in the future a timestamp may be (TRACE-DATE-1).
  clockSkewMs: z.number().int().min(0).max(3_600_000).default(300_000),
  // SN-CHK-1: our MOD 37,36 convention; OEM serials carry no check character (REGULATORY.md §7.2).
  serialChecksum: z.enum(['error', 'warn', 'off']).default('warn'),
  // SN-CHK-1 per issuer: airworthiness_certificate_ref prefix → level (longest prefix wins).
  serialChecksumByIssuer: z.record(z.string().min(1), z.enum(['error', 'warn', 'off'])).default({}),
  // Rules that need reference data (airlock.ref.*): enforced by the validators, or off.
  referenceData: z.enum(['enforce', 'off']).default('enforce'),
});

export const configSchema = z
  .strictObject({
    kafka: z.strictObject({
      // Required by every process but the edge station, which speaks only HTTPS (load.ts).
      brokers: z.array(hostPort).min(1).optional(),
      clientId: z.string().min(1).default('airlock'),
      connectionTimeoutMs: ms.default(3000),
      requestTimeoutMs: ms.default(30000),
      // How soon the group notices a consumer that died without leaving (broker minimum 6000).
      sessionTimeoutMs: z.number().int().min(6000).max(300000).default(30000),
      // Partitions a consumer stage works on at once (each in its own transaction).
      partitionsConcurrently: z.number().int().min(1).max(64).default(3),
    }),
    registry: z.strictObject({
      url: z.url({ protocol: /^https?$/ }).optional(),
    }),
    redis: z.strictObject({
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
        .optional(),
      // Namespace of every key, so deployments sharing a Redis do not share limits or keys.
      keyPrefix: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/)
        .default('airlock'),
      // Fail closed and fast: a command that takes longer is an outage (503).
      commandTimeoutMs: z.number().int().min(10).max(10000).default(500),
    }),
    topics: z.strictObject({
      ingress: topicName.default('airlock.ingress.v1'),
      validated: topicName.default('airlock.validated.v1'),
      dlq: topicName.default('airlock.dlq.v1'),
      logbook: topicName.default('airlock.logbook.v1'),
      partsTrace: topicName.default('airlock.parts-trace.v1'),
      complianceAudit: topicName.default('airlock.compliance-audit.v1'),
      measurements: topicName.default('airlock.measurements.v1'),
      replayAudit: topicName.default('airlock.replay-audit.v1'),
      accessAudit: topicName.default('airlock.access-audit.v1'),
      // Reference data (compacted): the technician roster, the fleet master, release certificates.
      refTechnicians: topicName.default('airlock.ref.technicians.v1'),
      refFleet: topicName.default('airlock.ref.fleet.v1'),
      refApprovals: topicName.default('airlock.ref.approvals.v1'),
      refBackups: topicName.default('airlock.ref.backups.v1'),
      refReleases: topicName.default('airlock.ref.releases.v1'),
      // The tool register: calibrated tools and their certificates (MEAS-CAL-1).
      refTools: topicName.default('airlock.ref.tools.v1'),
      // History stores' compacted changelogs (core/history): <historyPrefix><store>.v1.
      historyPrefix: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,200}$/)
        .default('airlock.history.'),
      partitions: z.number().int().min(1).max(1000).default(3),
      // -1 asks the broker for its default.replication.factor (KIP-464), so one setting serves a
      // single-node development broker and a production cluster alike.
      replicationFactor: z
        .number()
        .int()
        .min(-1)
        .max(32)
        .refine((n) => n !== 0, 'must be -1 or 1..32')
        .default(-1),
      provision: z.boolean().default(true),
    }),
    ingress: z.strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(1024 * 1024),
      // How long a request waits for the broker's acknowledgement before it answers 503.
      publishTimeoutMs: ms.default(10000),
      // Micro-batching: how long the publisher gathers concurrent requests into one produce request.
      publishLingerMs: z.number().int().min(0).max(1000).default(2),
      // Records in one batch request (JSON array or NDJSON): more is 413.
      maxRecordsPerRequest: z.number().int().min(1).max(10000).default(500),
      // Slow clients: all headers within headersTimeoutMs, the whole request within requestTimeoutMs.
      headersTimeoutMs: ms.default(10_000),
      // A kept-alive connection with no request for this long is closed.
      idleTimeoutMs: ms.default(60_000),
      // A keep-alive connection's last response closes it once it is this old, or has served this
      // many requests (issue #12 §8).
      connectionMaxAgeMs: ms.default(600_000),
      // Who may carry which token (issue #12 §7, docs/adr/0009-identity-policy.md): `cnf`, tokens
      // bound to the presenting certificate (RFC 8705); `map`, the certificate's identity maps to
      // the token subjects and roles it may carry; `cnf+map`, both.
      identityPolicy: z.enum(['cnf', 'map', 'cnf+map']).default('cnf'),
      identityMap: z
        .record(
          z.string().regex(/^(uri|dns|email|dn):.+$/, 'keys are uri:…, dns:…, email:… or dn:…'),
          z
            .strictObject({
              subjects: z.array(z.string().min(1)).min(1).optional(),
              roles: z.array(z.string().min(1)).min(1).optional(),
            })
            .refine((e) => e.subjects !== undefined || e.roles !== undefined, 'name subjects, roles or both'),
        )
        .optional(),
      connectionMaxRequests: z.number().int().min(1).max(1_000_000).default(10_000),
      requestTimeoutMs: ms.default(30_000),
      // HTTP/2 beside HTTP/1.1 on the one TLS port, chosen by ALPN (mtls-jwt only; ingress/http2.ts).
      http2: z.boolean().default(true),
      // Streams one HTTP/2 connection may have open at once (RFC 9113 §6.5.2 suggests at least 100).
      http2MaxConcurrentStreams: z.number().int().min(1).max(1000).default(100),
      // A request's header list (names, values, 32 bytes each, as RFC 9113 §6.5.2 counts it): 16 KiB,
      // what Node allows an HTTP/1.1 request's headers.
      http2MaxHeaderListBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024)
        .default(16 * 1024),
      // Memory one HTTP/2 session may hold in Node (HPACK tables, buffered frames); past it new
      // streams are refused. Node's own default.
      http2MaxSessionMemoryMb: z.number().int().min(1).max(1024).default(10),
      // Streams a client may cancel (RST_STREAM) in one second before its connection is ended with
      // GOAWAY ENHANCE_YOUR_CALM: the rapid reset attack (CVE-2023-44487).
      http2MaxResetsPerSecond: z.number().int().min(1).max(100_000).default(100),
      // One log line per request (fastify's request/response logs) at info level.
      accessLog: z.boolean().default(true),
      // This instance's transactional id (its producers are <id>-0 … <id>-<n-1>): unique per ingress
      // instance and stable across its restarts, so that a restart fences its predecessor. Default:
      // <transactionalIdPrefix>-ingress-<hostname> (ingress/main.ts).
      transactionalId: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, ".", "_" or "-"')
        .optional(),
      // Ingress worker processes sharing the port (ingress/cluster.ts): one event loop each. Default:
      // the machine's cores. 1 runs the ingress in a single process (no primary).
      workers: z
        .number()
        .int()
        .min(1)
        .max(64)
        .default(() => availableParallelism()),
      // Transactional producers (each one transaction at a time); more overlap back-to-back commits.
      transactionalProducers: z.number().int().min(1).max(16).default(3),
      // The coordinator aborts a transaction left open this long (an ingress that died mid-batch).
      transactionTimeoutMs: z.number().int().min(1000).max(900_000).default(10_000),
      // The publisher sends a gathered batch at once when it reaches this many records.
      publishBatchMaxRecords: z.number().int().min(1).max(10000).default(500),
      // How long an Idempotency-Key and its answer are kept.
      idempotencyTtlMs: ms.default(24 * 3600 * 1000),
      // mtls-jwt: client certificate + verified JWT (the default). dev-insecure: no authentication,
      // loopback only, for nothing but local experiments.
      authMode: z.enum(['mtls-jwt', 'dev-insecure']).default('mtls-jwt'),
      // Requests per sliding window per identity (token subject), by role ('*' for any role), with
      // optional per-route overrides. A batch request counts once.
      rateLimits: z
        .record(
          z.string().min(1),
          z.strictObject({
            limit: z.number().int().min(1),
            windowMs: ms,
            routes: z.partialRecord(routeName, windowLimit).default({}),
          }),
        )
        .default({ '*': { limit: 1200, windowMs: 60_000, routes: {} } }),
      // Requests per sliding window per tenant (issue #15 §3), shared by every identity of the
      // tenant, in addition to the identity's own limit: by tenant name, '*' for each tenant not
      // named (each its own window), with optional per-route overrides. Empty: no tenant limit.
      tenantLimits: z
        .record(
          z.union([z.literal('*'), tenantName]),
          windowLimit.extend({ routes: z.partialRecord(routeName, windowLimit).default({}) }),
        )
        .default({}),
      // Records per fixed window per tenant (issue #15 §3): a quota, e.g. a day's records, counted
      // in records (a batch of 500 takes 500), taken just before publishing and given back when
      // nothing was published. By tenant name, '*' for each tenant not named. Empty: no quota.
      tenantQuotas: z
        .record(
          z.union([z.literal('*'), tenantName]),
          z.strictObject({
            records: z.number().int().min(1),
            windowMs: z
              .number()
              .int()
              .min(1000)
              .max(31 * 86_400_000)
              .refine((n) => n % 1000 === 0, 'a whole number of seconds, in ms'),
          }),
        )
        .default({}),
      // Load shedding by route priority when publishing slows down (issue #15 §4, ingress/shedding.ts,
      // docs/adr/0014-load-shedding.md): pressure at n times a threshold sheds the routes of the n
      // lowest priority classes with 503 OVERLOADED; the highest class is never shed.
      shedding: z
        .strictObject({
          enabled: z.boolean().default(true),
          // Every route's priority (higher is shed later); airworthiness records last by default.
          priorities: z.record(routeName, z.number().int().min(1).max(100)).default({
            logbook: 3,
            'compliance-audit': 3,
            'parts-trace': 2,
            measurements: 1,
          }),
          // Records handed to the publisher and not yet committed (memory held, queueing).
          maxInFlightRecords: z.number().int().min(1).max(1_000_000).default(10_000),
          // Recent publish time: mean over the last second's requests and the waiting ones' ages.
          maxPublishMs: z.number().int().min(1).max(600_000).default(1000),
          // The publisher's breaker half-open (or open) counts as the threshold reached.
          onBreakerHalfOpen: z.boolean().default(true),
          retryAfterS: z.number().int().min(1).max(600).default(1),
          // A level is kept this long after the pressure last called for it (no flapping).
          holdMs: z.number().int().min(0).max(600_000).default(1000),
        })
        .prefault({}),
      // Roles that may read the status of every record (GET /v1/records/{trace_id}); a sender may
      // always read its own records.
      statusReaders: z.array(z.string().min(1)).default(['compliance_auditor', 'fleet_ops']),
      // Web origins whose scripts may call the ingress (CORS, issue #15 §5): electronic flight bags
      // and web portals. Exact origins only (scheme, host, port; https, or http on a loopback host
      // for development), no wildcard: a browser page may present the user's client certificate, so
      // every origin allowed is trusted with it. Empty (the default): no CORS answer at all.
      corsOrigins: z
        .array(
          z.string().refine((o) => {
            try {
              const u = new URL(o);
              const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
              // WHATWG URL takes `*` in a host name: a wildcard is refused by name.
              const host = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(u.hostname);
              return (
                host && u.origin === o && (u.protocol === 'https:' || (u.protocol === 'http:' && loopback))
              );
            } catch {
              return false;
            }
          }, 'an exact origin: https://host[:port] (http only on localhost), no path, no wildcard'),
        )
        .default([]),
      // Which role may call which route (DESIGN.md); docs/configuration.md has the default matrix.
      roleRoutes: z.record(z.string().min(1), z.array(routeName)).default({
        certifying_staff: ['logbook', 'parts-trace', 'measurements'],
        parts_traceability: ['parts-trace'],
        compliance_auditor: ['compliance-audit'],
        fleet_ops: [],
        // A line station's sync (edge/): every route its technicians and tools send.
        edge_station: ['logbook', 'parts-trace', 'compliance-audit', 'measurements'],
        // Tools and sensor gateways (device identities: a client certificate and a
        // client-credentials token): their readings only.
        sensor: ['measurements'],
      }),
      // dev-insecure binds to loopback only, unless this is set (compose.yaml, where the container's
      // port is published on the host's loopback alone).
      devInsecureAllowNetwork: z.boolean().default(false),
    }),
    tls: z.strictObject({
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
      // CA bundle that client certificates must chain to.
      clientCaFile: z.string().min(1).optional(),
      crlFile: z.string().min(1).optional(),
      // Optional allow-list of client certificate SHA-256 fingerprints (hex, DER).
      pinnedSha256: z
        .array(z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'))
        .default([]),
      minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
    }),
    jwt: jwtSection,
    rules: ruleParamsSchema.extend({
      // A versioned rule-set file (docs/rules.md) that overrides the parameters above and is
      // reloaded without a restart when it changes or on SIGHUP.
      file: z.string().min(1).optional(),
    }),
    // The edge station (edge/, docs/edge.md): its outbox, keys and the central ingress it syncs to.
    edge: z.strictObject({
      stationId: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/)
        .optional(),
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8443),
      dataDir: z.string().min(1).optional(),
      // Data keys (AES-256-GCM): {"current": id, "keys": {id: base64 of 32 bytes}}; never beside the data.
      dataKeyFile: z.string().min(1).optional(),
      // Public keys of the station's devices and technicians (a JWKS; `revoked`: key ids refused).
      signerKeysFile: z.string().min(1).optional(),
      // The outbox's bound per priority class: when full, 507 (nothing accepted is ever dropped).
      maxAirworthinessBytes: z
        .number()
        .int()
        .min(1024)
        .default(512 * 1024 * 1024),
      maxBulkBytes: z
        .number()
        .int()
        .min(1024)
        .default(256 * 1024 * 1024),
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * 1024 * 1024)
        .default(4 * 1024 * 1024),
      centralUrl: z.url({ protocol: /^https$/ }).optional(),
      centralCaFile: z.string().min(1).optional(),
      clientCertFile: z.string().min(1).optional(),
      clientKeyFile: z.string().min(1).optional(),
      // The station's access token (role edge_station), re-read before every batch: rotate in place.
      tokenFile: z.string().min(1).optional(),
      // At most the central ingress's AIRLOCK_INGRESS_MAX_RECORDS_PER_REQUEST (500 by default).
      syncBatchRecords: z.number().int().min(1).max(500).default(200),
      syncTimeoutMs: ms.default(30_000),
      // Bytes per second the sync may send; 0 for no cap.
      syncBytesPerSecond: z.number().int().min(0).default(0),
    }),
    validators: z.strictObject({
      groupId: z.string().min(1).default('airlock-validators'),
      // 0 disables the consumer's health endpoints.
      healthPort: z.number().int().min(0).max(65535).default(9101),
    }),
    router: z.strictObject({
      groupId: z.string().min(1).default('airlock-router'),
      healthPort: z.number().int().min(0).max(65535).default(9102),
      // The declarative routing table (docs/routing.md); the default sends each route to its topic.
      tableFile: z.string().min(1).optional(),
    }),
    dlq: z.strictObject({
      // The loop guard: how many times one record may be replayed in all (docs/dlq.md).
      maxReplays: z.number().int().min(1).max(100).default(3),
      // The replay rate cap, records per second; --rate may go lower, never higher.
      maxRatePerSecond: z.number().int().min(1).max(10000).default(100),
      // How long `replay --execute` waits for the pipeline's verdict on its replays (0: not at all).
      outcomeWaitMs: z.number().int().min(0).max(600_000).default(30_000),
    }),
    healthHost: z.string().min(1).default('127.0.0.1'),
    transactionalIdPrefix: z.string().min(1).default('airlock'),
    log: z.strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    }),
    tracing: tracingSection,
    accessAudit: accessAuditSection,
    shutdownGraceMs: ms.default(15000),
    // How long a record's status timeline (GET /v1/records/{trace_id}) is kept.
    statusRetentionMs: ms.default(7 * 24 * 3600 * 1000),
  })
  .superRefine((c, ctx) => {
    if (
      c.ingress.authMode === 'dev-insecure' &&
      !c.ingress.devInsecureAllowNetwork &&
      !loopback.has(c.ingress.host)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ingress', 'authMode'],
        message: `dev-insecure accepts unauthenticated requests and listens on loopback only, not ${c.ingress.host} (see AIRLOCK_INGRESS_DEV_INSECURE_ALLOW_NETWORK)`,
      });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema>>;
