/**
 * The environment variables that configure Airlock, each mapped to its place in the configuration.
 * docs/configuration.md documents every one; a unit test keeps the two in step.
 */
export type EnvKind = 'string' | 'int' | 'number' | 'bool' | 'list' | 'json';
export interface EnvSpec {
  readonly path: readonly string[];
  readonly kind: EnvKind;
}

export const ENV_VARS: Readonly<Record<string, EnvSpec>> = {
  AIRLOCK_KAFKA_BROKERS: { path: ['kafka', 'brokers'], kind: 'list' },
  AIRLOCK_KAFKA_CLIENT_ID: { path: ['kafka', 'clientId'], kind: 'string' },
  AIRLOCK_KAFKA_CONNECTION_TIMEOUT_MS: { path: ['kafka', 'connectionTimeoutMs'], kind: 'int' },
  AIRLOCK_KAFKA_REQUEST_TIMEOUT_MS: { path: ['kafka', 'requestTimeoutMs'], kind: 'int' },
  AIRLOCK_KAFKA_PARTITIONS_CONCURRENTLY: { path: ['kafka', 'partitionsConcurrently'], kind: 'int' },
  AIRLOCK_KAFKA_SESSION_TIMEOUT_MS: { path: ['kafka', 'sessionTimeoutMs'], kind: 'int' },
  AIRLOCK_REGISTRY_URL: { path: ['registry', 'url'], kind: 'string' },
  AIRLOCK_EDGE_STATION_ID: { path: ['edge', 'stationId'], kind: 'string' },
  AIRLOCK_EDGE_HOST: { path: ['edge', 'host'], kind: 'string' },
  AIRLOCK_EDGE_PORT: { path: ['edge', 'port'], kind: 'int' },
  AIRLOCK_EDGE_DATA_DIR: { path: ['edge', 'dataDir'], kind: 'string' },
  AIRLOCK_EDGE_DATA_KEY_FILE: { path: ['edge', 'dataKeyFile'], kind: 'string' },
  AIRLOCK_EDGE_SIGNER_KEYS_FILE: { path: ['edge', 'signerKeysFile'], kind: 'string' },
  AIRLOCK_EDGE_MAX_AIRWORTHINESS_BYTES: { path: ['edge', 'maxAirworthinessBytes'], kind: 'int' },
  AIRLOCK_EDGE_MAX_BULK_BYTES: { path: ['edge', 'maxBulkBytes'], kind: 'int' },
  AIRLOCK_EDGE_MAX_BODY_BYTES: { path: ['edge', 'maxBodyBytes'], kind: 'int' },
  AIRLOCK_EDGE_CENTRAL_URL: { path: ['edge', 'centralUrl'], kind: 'string' },
  AIRLOCK_EDGE_CENTRAL_CA_FILE: { path: ['edge', 'centralCaFile'], kind: 'string' },
  AIRLOCK_EDGE_CLIENT_CERT_FILE: { path: ['edge', 'clientCertFile'], kind: 'string' },
  AIRLOCK_EDGE_CLIENT_KEY_FILE: { path: ['edge', 'clientKeyFile'], kind: 'string' },
  AIRLOCK_EDGE_TOKEN_FILE: { path: ['edge', 'tokenFile'], kind: 'string' },
  AIRLOCK_EDGE_SYNC_BATCH_RECORDS: { path: ['edge', 'syncBatchRecords'], kind: 'int' },
  AIRLOCK_EDGE_SYNC_TIMEOUT_MS: { path: ['edge', 'syncTimeoutMs'], kind: 'int' },
  AIRLOCK_EDGE_SYNC_BYTES_PER_SECOND: { path: ['edge', 'syncBytesPerSecond'], kind: 'int' },
  AIRLOCK_REDIS_URL: { path: ['redis', 'url'], kind: 'string' },
  AIRLOCK_REDIS_KEY_PREFIX: { path: ['redis', 'keyPrefix'], kind: 'string' },
  AIRLOCK_REDIS_COMMAND_TIMEOUT_MS: { path: ['redis', 'commandTimeoutMs'], kind: 'int' },
  AIRLOCK_TOPIC_INGRESS: { path: ['topics', 'ingress'], kind: 'string' },
  AIRLOCK_TOPIC_VALIDATED: { path: ['topics', 'validated'], kind: 'string' },
  AIRLOCK_TOPIC_DLQ: { path: ['topics', 'dlq'], kind: 'string' },
  AIRLOCK_TOPIC_LOGBOOK: { path: ['topics', 'logbook'], kind: 'string' },
  AIRLOCK_TOPIC_PARTS_TRACE: { path: ['topics', 'partsTrace'], kind: 'string' },
  AIRLOCK_TOPIC_COMPLIANCE_AUDIT: { path: ['topics', 'complianceAudit'], kind: 'string' },
  AIRLOCK_TOPIC_MEASUREMENTS: { path: ['topics', 'measurements'], kind: 'string' },
  AIRLOCK_TOPIC_REPLAY_AUDIT: { path: ['topics', 'replayAudit'], kind: 'string' },
  AIRLOCK_TOPIC_ACCESS_AUDIT: { path: ['topics', 'accessAudit'], kind: 'string' },
  AIRLOCK_TOPIC_REF_TECHNICIANS: { path: ['topics', 'refTechnicians'], kind: 'string' },
  AIRLOCK_TOPIC_REF_FLEET: { path: ['topics', 'refFleet'], kind: 'string' },
  AIRLOCK_TOPIC_REF_APPROVALS: { path: ['topics', 'refApprovals'], kind: 'string' },
  AIRLOCK_TOPIC_REF_BACKUPS: { path: ['topics', 'refBackups'], kind: 'string' },
  AIRLOCK_TOPIC_REF_RELEASES: { path: ['topics', 'refReleases'], kind: 'string' },
  AIRLOCK_TOPIC_REF_TOOLS: { path: ['topics', 'refTools'], kind: 'string' },
  AIRLOCK_TOPIC_HISTORY_PREFIX: { path: ['topics', 'historyPrefix'], kind: 'string' },
  AIRLOCK_TOPIC_PARTITIONS: { path: ['topics', 'partitions'], kind: 'int' },
  AIRLOCK_TOPIC_REPLICATION_FACTOR: { path: ['topics', 'replicationFactor'], kind: 'int' },
  AIRLOCK_TOPIC_PROVISION: { path: ['topics', 'provision'], kind: 'bool' },
  AIRLOCK_INGRESS_HOST: { path: ['ingress', 'host'], kind: 'string' },
  AIRLOCK_INGRESS_PORT: { path: ['ingress', 'port'], kind: 'int' },
  AIRLOCK_INGRESS_MAX_BODY_BYTES: { path: ['ingress', 'maxBodyBytes'], kind: 'int' },
  AIRLOCK_INGRESS_PUBLISH_TIMEOUT_MS: { path: ['ingress', 'publishTimeoutMs'], kind: 'int' },
  AIRLOCK_INGRESS_HEADERS_TIMEOUT_MS: { path: ['ingress', 'headersTimeoutMs'], kind: 'int' },
  AIRLOCK_INGRESS_IDLE_TIMEOUT_MS: { path: ['ingress', 'idleTimeoutMs'], kind: 'int' },
  AIRLOCK_INGRESS_IDENTITY_POLICY: { path: ['ingress', 'identityPolicy'], kind: 'string' },
  AIRLOCK_INGRESS_IDENTITY_MAP: { path: ['ingress', 'identityMap'], kind: 'json' },
  AIRLOCK_INGRESS_CONNECTION_MAX_AGE_MS: { path: ['ingress', 'connectionMaxAgeMs'], kind: 'int' },
  AIRLOCK_INGRESS_CONNECTION_MAX_REQUESTS: { path: ['ingress', 'connectionMaxRequests'], kind: 'int' },
  AIRLOCK_INGRESS_REQUEST_TIMEOUT_MS: { path: ['ingress', 'requestTimeoutMs'], kind: 'int' },
  AIRLOCK_INGRESS_HTTP2: { path: ['ingress', 'http2'], kind: 'bool' },
  AIRLOCK_INGRESS_HTTP2_MAX_CONCURRENT_STREAMS: {
    path: ['ingress', 'http2MaxConcurrentStreams'],
    kind: 'int',
  },
  AIRLOCK_INGRESS_HTTP2_MAX_HEADER_LIST_BYTES: { path: ['ingress', 'http2MaxHeaderListBytes'], kind: 'int' },
  AIRLOCK_INGRESS_HTTP2_MAX_SESSION_MEMORY_MB: { path: ['ingress', 'http2MaxSessionMemoryMb'], kind: 'int' },
  AIRLOCK_INGRESS_HTTP2_MAX_RESETS_PER_SECOND: { path: ['ingress', 'http2MaxResetsPerSecond'], kind: 'int' },
  AIRLOCK_INGRESS_ACCESS_LOG: { path: ['ingress', 'accessLog'], kind: 'bool' },
  AIRLOCK_INGRESS_MAX_RECORDS_PER_REQUEST: { path: ['ingress', 'maxRecordsPerRequest'], kind: 'int' },
  AIRLOCK_INGRESS_PUBLISH_LINGER_MS: { path: ['ingress', 'publishLingerMs'], kind: 'int' },
  AIRLOCK_INGRESS_PUBLISH_BATCH_MAX_RECORDS: { path: ['ingress', 'publishBatchMaxRecords'], kind: 'int' },
  AIRLOCK_INGRESS_TRANSACTIONAL_ID: { path: ['ingress', 'transactionalId'], kind: 'string' },
  AIRLOCK_INGRESS_WORKERS: { path: ['ingress', 'workers'], kind: 'int' },
  AIRLOCK_INGRESS_TRANSACTIONAL_PRODUCERS: { path: ['ingress', 'transactionalProducers'], kind: 'int' },
  AIRLOCK_INGRESS_TRANSACTION_TIMEOUT_MS: { path: ['ingress', 'transactionTimeoutMs'], kind: 'int' },
  AIRLOCK_INGRESS_IDEMPOTENCY_TTL_MS: { path: ['ingress', 'idempotencyTtlMs'], kind: 'int' },
  AIRLOCK_INGRESS_AUTH_MODE: { path: ['ingress', 'authMode'], kind: 'string' },
  AIRLOCK_INGRESS_DEV_INSECURE_ALLOW_NETWORK: { path: ['ingress', 'devInsecureAllowNetwork'], kind: 'bool' },
  AIRLOCK_RULES_CLOCK_SKEW_MS: { path: ['rules', 'clockSkewMs'], kind: 'int' },
  AIRLOCK_RULES_SERIAL_CHECKSUM: { path: ['rules', 'serialChecksum'], kind: 'string' },
  AIRLOCK_RULES_REFERENCE_DATA: { path: ['rules', 'referenceData'], kind: 'string' },
  AIRLOCK_RULES_SERIAL_CHECKSUM_BY_ISSUER: { path: ['rules', 'serialChecksumByIssuer'], kind: 'json' },
  AIRLOCK_RULES_FILE: { path: ['rules', 'file'], kind: 'string' },
  AIRLOCK_INGRESS_RATE_LIMITS: { path: ['ingress', 'rateLimits'], kind: 'json' },
  AIRLOCK_INGRESS_TENANT_LIMITS: { path: ['ingress', 'tenantLimits'], kind: 'json' },
  AIRLOCK_INGRESS_TENANT_QUOTAS: { path: ['ingress', 'tenantQuotas'], kind: 'json' },
  AIRLOCK_INGRESS_SHEDDING: { path: ['ingress', 'shedding'], kind: 'json' },
  AIRLOCK_INGRESS_STATUS_READERS: { path: ['ingress', 'statusReaders'], kind: 'list' },
  AIRLOCK_INGRESS_CORS_ORIGINS: { path: ['ingress', 'corsOrigins'], kind: 'list' },
  AIRLOCK_INGRESS_ROLE_ROUTES: { path: ['ingress', 'roleRoutes'], kind: 'json' },
  AIRLOCK_TLS_CERT_FILE: { path: ['tls', 'certFile'], kind: 'string' },
  AIRLOCK_TLS_KEY_FILE: { path: ['tls', 'keyFile'], kind: 'string' },
  AIRLOCK_TLS_CLIENT_CA_FILE: { path: ['tls', 'clientCaFile'], kind: 'string' },
  AIRLOCK_TLS_CRL_FILE: { path: ['tls', 'crlFile'], kind: 'string' },
  AIRLOCK_TLS_PINNED_SHA256: { path: ['tls', 'pinnedSha256'], kind: 'list' },
  AIRLOCK_TLS_MIN_VERSION: { path: ['tls', 'minVersion'], kind: 'string' },
  AIRLOCK_JWT_JWKS_FILE: { path: ['jwt', 'jwksFile'], kind: 'string' },
  AIRLOCK_JWT_JWKS_URL: { path: ['jwt', 'jwksUrl'], kind: 'string' },
  AIRLOCK_JWT_ALLOW_LOOPBACK_HTTP_JWKS: { path: ['jwt', 'allowLoopbackHttpJwks'], kind: 'bool' },
  AIRLOCK_JWT_ISSUER: { path: ['jwt', 'issuer'], kind: 'string' },
  AIRLOCK_JWT_ISSUERS: { path: ['jwt', 'issuers'], kind: 'json' },
  AIRLOCK_JWT_AUDIENCE: { path: ['jwt', 'audience'], kind: 'string' },
  AIRLOCK_JWT_ALGORITHMS: { path: ['jwt', 'algorithms'], kind: 'list' },
  AIRLOCK_JWT_MAX_TOKEN_AGE_S: { path: ['jwt', 'maxTokenAgeS'], kind: 'int' },
  AIRLOCK_JWT_CLOCK_TOLERANCE_S: { path: ['jwt', 'clockToleranceS'], kind: 'int' },
  AIRLOCK_JWT_MAX_LIFETIME_S: { path: ['jwt', 'maxLifetimeS'], kind: 'int' },
  AIRLOCK_JWT_REQUIRE_TYP: { path: ['jwt', 'requireTyp'], kind: 'bool' },
  AIRLOCK_JWT_JWKS_TIMEOUT_MS: { path: ['jwt', 'jwksTimeoutMs'], kind: 'int' },
  AIRLOCK_JWT_JWKS_CACHE_MS: { path: ['jwt', 'jwksCacheMs'], kind: 'int' },
  AIRLOCK_VALIDATORS_GROUP_ID: { path: ['validators', 'groupId'], kind: 'string' },
  AIRLOCK_ROUTER_GROUP_ID: { path: ['router', 'groupId'], kind: 'string' },
  AIRLOCK_VALIDATORS_HEALTH_PORT: { path: ['validators', 'healthPort'], kind: 'int' },
  AIRLOCK_ROUTER_TABLE_FILE: { path: ['router', 'tableFile'], kind: 'string' },
  AIRLOCK_ROUTER_HEALTH_PORT: { path: ['router', 'healthPort'], kind: 'int' },
  AIRLOCK_DLQ_MAX_REPLAYS: { path: ['dlq', 'maxReplays'], kind: 'int' },
  AIRLOCK_DLQ_MAX_RATE: { path: ['dlq', 'maxRatePerSecond'], kind: 'int' },
  AIRLOCK_DLQ_OUTCOME_WAIT_MS: { path: ['dlq', 'outcomeWaitMs'], kind: 'int' },
  AIRLOCK_HEALTH_HOST: { path: ['healthHost'], kind: 'string' },
  AIRLOCK_TRANSACTIONAL_ID_PREFIX: { path: ['transactionalIdPrefix'], kind: 'string' },
  AIRLOCK_LOG_LEVEL: { path: ['log', 'level'], kind: 'string' },
  AIRLOCK_TRACING_ENDPOINT: { path: ['tracing', 'endpoint'], kind: 'string' },
  AIRLOCK_TRACING_SAMPLE_RATIO: { path: ['tracing', 'sampleRatio'], kind: 'number' },
  AIRLOCK_ACCESS_AUDIT: { path: ['accessAudit', 'enabled'], kind: 'bool' },
  AIRLOCK_ACCESS_AUDIT_RETENTION_MS: { path: ['accessAudit', 'retentionMs'], kind: 'int' },
  AIRLOCK_ACCESS_AUDIT_WAIT_MS: { path: ['accessAudit', 'waitMs'], kind: 'int' },
  AIRLOCK_ACCESS_AUDIT_LINGER_MS: { path: ['accessAudit', 'lingerMs'], kind: 'int' },
  AIRLOCK_STATUS_RETENTION_MS: { path: ['statusRetentionMs'], kind: 'int' },
  AIRLOCK_SHUTDOWN_GRACE_MS: { path: ['shutdownGraceMs'], kind: 'int' },
};

/**
 * AIRLOCK_* names that are not configuration of a stage: the local stack's ports and folders
 * (stack/), the Node bootstrap (stack/node-env.sh) and the test harness.
 */
/**
 * The two variables that choose a configuration file and its overlay (core/config/file.ts): not
 * settings themselves.
 */
export const FILE_ENV = ['AIRLOCK_CONFIG_FILE', 'AIRLOCK_ENV'] as const;

/** Settings renamed to say what they mean (issue #10): an old name stops start-up with the new one. */
export const RENAMED_ENV: Readonly<Record<string, string>> = {
  AIRLOCK_INGRESS_MAX_BATCH_ITEMS: 'AIRLOCK_INGRESS_MAX_RECORDS_PER_REQUEST',
  AIRLOCK_INGRESS_MAX_BATCH_RECORDS: 'AIRLOCK_INGRESS_PUBLISH_BATCH_MAX_RECORDS',
  AIRLOCK_INGRESS_LINGER_MS: 'AIRLOCK_INGRESS_PUBLISH_LINGER_MS',
  AIRLOCK_JWT_REQUIRE_CERT_BINDING: 'AIRLOCK_INGRESS_IDENTITY_POLICY',
};

// AIRLOCK_CLUSTER_: set by the ingress's primary for its workers (ingress/cluster.ts), not a setting.
const RESERVED_PREFIXES = [
  'AIRLOCK_STACK_',
  'AIRLOCK_TEST_',
  'AIRLOCK_NODE_',
  'AIRLOCK_CACHE_',
  'AIRLOCK_CLUSTER_',
];

export function isReservedEnvName(name: string): boolean {
  return RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

export function envNameFor(path: readonly string[]): string | undefined {
  const key = path.join('.');
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    if (key === spec.path.join('.') || key.startsWith(`${spec.path.join('.')}.`)) return name;
  }
  return undefined;
}
