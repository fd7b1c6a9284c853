/**
 * The DLQ tool's reads and writes on Kafka: reading a topic from its start (or a time) to the end it
 * had when the read began, with read_committed; the DLQ records as entries; the replay-audit
 * topic as the index of earlier replays; the audit records' Avro schema.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { readSchema } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { headersToMap } from '../core/headers.ts';
import { caughtUp, partitionKey } from '../core/kafka/catch-up.ts';
import { decodeRecord, registerSchema, type SchemaRegistry } from '../core/registry.ts';
import { type DlqEntry, toEntry } from './entry.ts';
import type { ReplayIndex } from './plan.ts';

export const AUDIT_SCHEMA = readSchema('replay-audit.avsc');

/** One airlock.replay-audit.v1 record (avro/replay-audit.avsc). */
export interface ReplayAudit {
  audit_id: string;
  event: 'replayed' | 'outcome';
  at: number;
  operator: { subject: string; role: string; issuer: string; token_id: string };
  reason: string;
  force_reason: string | null;
  dlq: { topic: string; partition: number; offset: number };
  rejection: { stage: string; code: string; rule_ids: string[] };
  rejected_trace_id: string;
  original_trace_id: string;
  replay_trace_id: string;
  replay_count: number;
  patch: string | null;
  body_sha256: string;
  outcome: {
    state: 'routed' | 'rejected' | 'unknown';
    topics: string[];
    code: string | null;
    rule_ids: string[];
  } | null;
}

/** Registers the audit schema under `<topic>-value` (TopicNameStrategy) and returns its id. */
export const registerAuditSchema = (registry: SchemaRegistry, topic: string) =>
  registerSchema(registry, `${topic}-value`, AUDIT_SCHEMA);

/**
 * Calls `onMessage` for every committed record of `topic` from its start (or from `sinceMs`) up to
 * the end offsets it had when the call began. Uses a throw-away consumer group that commits nothing.
 */
export async function scanTopic(
  kafka: Kafka,
  topic: string,
  onMessage: (partition: number, message: KafkaMessage) => Promise<void> | void,
  opts: { sinceMs?: number; timeoutMs?: number; onProgress?: (read: number, total: number) => void } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  const starts = new Map<number, bigint>();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new AirlockError('KAFKA_UNAVAILABLE', `topic ${topic} does not exist`);
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    for (const o of offsets) starts.set(o.partition, BigInt(o.low));
    if (opts.sinceMs !== undefined) {
      for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, opts.sinceMs)) {
        // -1: nothing at or after that time in this partition.
        starts.set(o.partition, o.offset === '-1' ? (ends.get(o.partition) ?? 0n) : BigInt(o.offset));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([p, end]) => end > (starts.get(p) ?? 0n)).map(([p]) => p));
  if (pending.size === 0) return;
  const total = [...pending].reduce((n, p) => n + Number((ends.get(p) ?? 0n) - (starts.get(p) ?? 0n)), 0);
  let read = 0;

  const consumer = kafka.consumer({
    groupId: `airlock-dlq-reader-${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
  });
  // The limit is on silence, not on the whole read: a large topic takes as long as it takes.
  let lastProgress = Date.now();
  const finished = caughtUp(
    consumer,
    new Map([...pending].map((p) => [partitionKey(topic, p), ends.get(p) ?? 0n])),
    ({ batchSize }) => {
      lastProgress = Date.now();
      read = Math.min(total, read + batchSize);
      opts.onProgress?.(read, total);
    },
  );
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        if (offset >= (starts.get(partition) ?? 0n) && offset < (ends.get(partition) ?? 0n))
          await onMessage(partition, message);
      },
    });
    for (const [partition, offset] of starts) {
      if (pending.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
    }
    const timeoutMs = opts.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        if (Date.now() - lastProgress > timeoutMs)
          reject(new AirlockError('KAFKA_UNAVAILABLE', `no progress reading ${topic} for ${timeoutMs} ms`));
      }, 1000);
    });
    try {
      await Promise.race([finished, timeout]);
    } finally {
      clearInterval(timer);
    }
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Every DLQ record (from `sinceMs` when given) as an entry. The values are kept: a DLQ of millions
 * of records wants a time range.
 */
export async function readDlq(
  kafka: Kafka,
  topic: string,
  opts: { sinceMs?: number; onProgress?: (read: number, total: number) => void } = {},
): Promise<DlqEntry[]> {
  const out: DlqEntry[] = [];
  await scanTopic(
    kafka,
    topic,
    (partition, m) => {
      out.push(
        toEntry(
          topic,
          partition,
          { offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value },
          headersToMap(m.headers),
        ),
      );
    },
    opts,
  );
  return out;
}

/** Every audit record, in the order written per DLQ record (they share a key, hence a partition). */
export async function readAudits(
  kafka: Kafka,
  registry: SchemaRegistry,
  topic: string,
): Promise<ReplayAudit[]> {
  const out: ReplayAudit[] = [];
  await scanTopic(kafka, topic, async (_partition, m) => {
    out.push((await decodeRecord(registry, m.value)) as unknown as ReplayAudit);
  });
  return out;
}

/** Earlier replays by DLQ coordinates, from the audit records. */
export function replayIndex(audits: readonly ReplayAudit[]): ReplayIndex {
  const index = new Map<string, { auditId: string; at: string; replayTraceId: string }[]>();
  for (const a of audits) {
    if (a.event !== 'replayed') continue;
    const key = `${a.dlq.topic}:${a.dlq.partition}:${a.dlq.offset}`;
    const list = index.get(key) ?? [];
    list.push({
      auditId: a.audit_id,
      at: new Date(Number(a.at)).toISOString(),
      replayTraceId: a.replay_trace_id,
    });
    index.set(key, list);
  }
  return index;
}

/**
 * The body a replay starts from: the JSON the sender sent (validators' rejections carry it as it
 * arrived), or the payload of the validated envelope (the router's rejections carry Avro).
 * Undefined when it is not JSON (an UNDECODABLE_RECORD rejection): then only --patch can give one.
 */
export async function originalBody(entry: DlqEntry, registry: SchemaRegistry): Promise<unknown> {
  const v = entry.value;
  if (v === null) return undefined;
  if (v.length > 5 && v[0] === 0 && entry.stage === 'router') {
    const envelope = await decodeRecord(registry, v);
    return JSON.parse(JSON.stringify(envelope.payload ?? null)) ?? undefined;
  }
  try {
    return JSON.parse(v.toString('utf8'));
  } catch {
    return undefined;
  }
}
