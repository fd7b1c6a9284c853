/**
 * The validators' history as it stands, for the replay dry run: every partition of the history
 * changelogs restored (core/history, the validators' own restore), read as one view — each history
 * key lives in one partition, the one of its record's key. Restored once per run; the dry run
 * stages each passing record's updates over it (plan.ts judgeWith), as the validators would.
 */
import type { Kafka } from 'kafkajs';
import type { Config } from '../core/config/schema.ts';
import { createHistory, type HistoryRead } from '../core/history/history.ts';
import type { Logger } from '../core/logger.ts';
import { HISTORY_STORES } from '../rules/history.ts';
import type { HistoryInput } from '../validators/verdict.ts';

export async function currentHistory(kafka: Kafka, config: Config, logger: Logger): Promise<HistoryInput> {
  const history = createHistory({
    kafka,
    logger,
    stores: HISTORY_STORES,
    topicPrefix: config.topics.historyPrefix,
    groupPrefix: `${config.transactionalIdPrefix}-dlq-history-`,
    expiresAfterMs: { idempotency: 2 * config.ingress.idempotencyTtlMs },
  });
  const admin = kafka.admin();
  await admin.connect();
  let partitions: number[];
  try {
    partitions = (await admin.fetchTopicOffsets(config.topics.ingress)).map((o) => o.partition);
  } finally {
    await admin.disconnect();
  }
  // Fail closed: a dry run that could not read the history must not say a record would pass.
  for (const p of partitions) await history.ensure(p);
  const read: HistoryRead = {
    get(store, key) {
      for (const p of partitions) {
        const v = history.entries(p)?.[store]?.get(key);
        if (v !== undefined) return v;
      }
      return undefined;
    },
  };
  return { read, idempotencyWindowMs: config.ingress.idempotencyTtlMs };
}
