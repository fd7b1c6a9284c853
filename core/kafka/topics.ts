import kafkajs, { type Admin, type ITopicConfig, type Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { historyTopic } from '../history/history.ts';
import { HISTORY_STORE_NAMES } from '../history/stores.ts';
import type { Logger } from '../logger.ts';

/** Every topic Airlock owns, with the per-topic settings that differ from the broker's defaults. */
export function airlockTopics(config: Config): ITopicConfig[] {
  const t = config.topics;
  const base = { numPartitions: t.partitions, replicationFactor: t.replicationFactor };
  const keepForever = [{ name: 'retention.ms', value: '-1' }];
  return [
    { topic: t.ingress, ...base },
    { topic: t.validated, ...base },
    // Rejected and audited records must stay until compliance staff resolve them.
    { topic: t.dlq, ...base, configEntries: keepForever },
    { topic: t.logbook, ...base },
    { topic: t.partsTrace, ...base },
    { topic: t.complianceAudit, ...base },
    { topic: t.measurements, ...base },
    { topic: t.replayAudit, ...base, configEntries: keepForever },
    // Access decisions (ingress/access-audit.ts): by age, as long as configured; never compacted.
    ...(config.accessAudit.enabled
      ? [
          {
            topic: t.accessAudit,
            ...base,
            configEntries: [{ name: 'retention.ms', value: String(config.accessAudit.retentionMs) }],
          },
        ]
      : []),
    // Reference data: the latest value per key, kept forever (compaction, never deletion by age).
    ...[t.refTechnicians, t.refFleet, t.refApprovals, t.refBackups, t.refReleases, t.refTools].map(
      (topic) => ({
        topic,
        ...base,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      }),
    ),
    // History changelogs: co-partitioned with the ingress topic, the latest entry per key forever;
    // idempotency pairs only as long as they can matter (twice the window: the validators forget
    // them then too), so that a fleet's keys do not fill the disk.
    ...HISTORY_STORE_NAMES.map((store) => ({
      topic: historyTopic(t.historyPrefix, store),
      ...base,
      configEntries:
        store === 'idempotency'
          ? [
              { name: 'cleanup.policy', value: 'compact,delete' },
              { name: 'retention.ms', value: String(2 * config.ingress.idempotencyTtlMs) },
            ]
          : [{ name: 'cleanup.policy', value: 'compact' }],
    })),
  ];
}

/** Creates the topics that do not exist yet; existing ones are left as they are. Idempotent. */
export async function provisionTopics(admin: Admin, config: Config, logger: Logger): Promise<void> {
  if (!config.topics.provision) {
    logger.info('topic provisioning disabled (AIRLOCK_TOPIC_PROVISION=false)');
    return;
  }
  const wanted = airlockTopics(config);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return;
  await createTopicsWithLeaders(admin, missing);
  logger.info({ topics: missing.map((t) => t.topic) }, 'created topics');
}

/**
 * Waits until every partition of new topics has a leader. kafkajs's own wait (waitForLeaders)
 * retries LEADER_NOT_AVAILABLE only, but a KRaft broker may answer UNKNOWN_TOPIC_OR_PARTITION for a
 * moment after the controller created a topic, which failed a stage's start-up (seen in CI,
 * 2026-12-03): both are "not yet" here, for up to 30 s.
 */
async function leadersOf(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates topics and waits until each of their partitions has a leader (leadersOf). */
export async function createTopicsWithLeaders(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  await leadersOf(
    admin,
    topics.map((t) => t.topic),
  );
}

/** provisionTopics with an admin client of its own, connected for the call only. */
export async function ensureTopics(kafka: Kafka, config: Config, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, config, logger);
  } finally {
    await admin.disconnect();
  }
}

/**
 * What a record's key and value may take, in bytes, so that the record fits every topic it passes
 * through on its way (issue #12 §14): the smallest `max.message.bytes` of `topics` (the broker's
 * `message.max.bytes` where a topic does not override it), less ENVELOPE_RESERVE_BYTES for its
 * batch framing, lineage headers and the envelope or DLQ reasons added on the way.
 */
export const ENVELOPE_RESERVE_BYTES = 16 * 1024;

export async function recordLimitBytes(admin: Admin, topics: readonly string[]): Promise<number> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name,
      configNames: ['max.message.bytes'],
    })),
  });
  let smallest = Number.POSITIVE_INFINITY;
  for (const r of described.resources) {
    const value = Number(r.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new Error(`topic ${r.resourceName}: max.message.bytes unreadable (${String(value)})`);
    smallest = Math.min(smallest, value);
  }
  if (!Number.isFinite(smallest)) throw new Error('no topic limits described');
  return smallest - ENVELOPE_RESERVE_BYTES;
}
