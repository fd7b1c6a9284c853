/**
 * Executing a replay: each chunk of records goes to the ingress topic in one Kafka transaction
 * together with its `replayed` audit records, so a record is replayed if and only if its audit
 * record exists — an interrupted run leaves no half-replayed record, and running it again resumes
 * (what is already in the audit topic is refused as ALREADY_REPLAYED). One transactional id for
 * the tool: a second replayer fences the first. Paced to a rate cap; a cancel stops between chunks.
 */
import { type Kafka, type Message, Partitioners, type Producer, type Transaction } from 'kafkajs';
import type { Config } from '../core/config/schema.ts';
import { Header } from '../core/headers.ts';
import { TRANSACTIONAL_RETRY } from '../core/kafka/client.ts';
import { partitionPlacer } from '../core/kafka/partitions.ts';
import type { StatusEvent, StatusStore } from '../core/record-status/status.ts';
import { encodeRecord, type SchemaRegistry } from '../core/registry.ts';
import { type Tracing, untraced } from '../core/telemetry/tracing.ts';
import type { ReplayAudit } from './kafka-io.ts';
import type { Operator, Plan } from './plan.ts';
import { rejectionOf } from './plan.ts';

export type ReadyPlan = Extract<Plan, { kind: 'ready' }>;

export interface Replayer {
  /** Publishes the plans, chunk by chunk; resolves to those published (all, unless cancelled). */
  replay(
    plans: readonly ReadyPlan[],
    opts: {
      operator: Operator;
      reason: string;
      forceReason?: string | undefined;
      ratePerSecond: number;
      signal: AbortSignal;
      onProgress?: (done: number, total: number) => void;
    },
  ): Promise<ReadyPlan[]>;
  /** Writes one `outcome` audit record per replay, in one transaction. */
  recordOutcomes(
    outcomes: readonly { plan: ReadyPlan; audit: ReplayAudit['outcome'] }[],
    operator: Operator,
    reason: string,
  ): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

export function auditRecord(
  plan: ReadyPlan,
  event: ReplayAudit['event'],
  operator: Operator,
  reason: string,
  forceReason: string | undefined,
  outcome: ReplayAudit['outcome'],
  at = Date.now(),
): ReplayAudit {
  const e = plan.entry;
  return {
    audit_id: plan.auditId,
    event,
    at,
    operator: {
      subject: operator.subject,
      role: operator.role,
      issuer: operator.issuer,
      token_id: operator.jti,
    },
    reason,
    force_reason: forceReason ?? null,
    dlq: { topic: e.topic, partition: e.partition, offset: Number(e.offset) },
    rejection: rejectionOf(e),
    rejected_trace_id: e.traceId,
    original_trace_id: plan.originalTraceId,
    replay_trace_id: plan.traceId,
    replay_count: plan.replayCount,
    patch: plan.patch,
    body_sha256: plan.bodySha256,
    outcome,
  };
}

/**
 * Connecting initialises the transactional id, fencing any other replayer: read the audit index
 * only after this, so no replay can commit between the read and this run's own commits.
 */
export async function connectReplayer(deps: {
  kafka: Kafka;
  registry: SchemaRegistry;
  config: Config;
  status: StatusStore;
  auditSchemaId: number;
  chunkSize?: number;
  /** A span per replay, continuing its DLQ record's trace (issue #16 §1); shut down by close(). */
  tracing?: Tracing;
}): Promise<Replayer> {
  const { config, registry, status, auditSchemaId } = deps;
  const tracing = deps.tracing ?? untraced;
  const producer: Producer = deps.kafka.producer({
    transactionalId: `${config.transactionalIdPrefix}-dlq-replayer`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // The ingress's partitioner (Java-compatible murmur2): a replay lands in its aircraft's partition.
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: TRANSACTIONAL_RETRY,
  });
  await producer.connect();
  // One partition per produce request (core/kafka/partitions.ts: a kafkajs retry across leaders
  // could write a replay twice in its transaction).
  const admin = deps.kafka.admin();
  await admin.connect();
  const place = partitionPlacer(admin);
  const sendPlaced = async (tx: Transaction, topic: string, messages: Message[]) => {
    for (const [, group] of await place(messages.map((message) => ({ topic, message }))))
      await tx.send({ topic, acks: -1, messages: group });
  };
  // kafkajs initialises the transactional id (fencing any other replayer) at the first transaction,
  // not at connect: do it now, before the caller reads the audit index.
  const init = await producer.transaction();
  await init.abort();

  const auditMessage = async (a: ReplayAudit) => ({
    key: `${a.dlq.topic}:${a.dlq.partition}:${a.dlq.offset}`,
    value: await encodeRecord(registry, auditSchemaId, a),
  });

  return {
    async replay(plans, opts) {
      const done: ReadyPlan[] = [];
      const chunkSize = Math.max(1, Math.min(deps.chunkSize ?? 50, Math.ceil(opts.ratePerSecond)));
      const started = Date.now();
      for (let i = 0; i < plans.length && !opts.signal.aborted; i += chunkSize) {
        const chunk = plans.slice(i, i + chunkSize);
        const at = Date.now();
        const audits = await Promise.all(
          chunk.map((p) =>
            auditMessage(auditRecord(p, 'replayed', opts.operator, opts.reason, opts.forceReason, null, at)),
          ),
        );
        // The replay continues the rejected record's trace: a PRODUCER span under its DLQ hop.
        const spans = chunk.map((p) =>
          tracing.start('dlq-replayer replay', {
            kind: 'producer',
            parent: p.entry.headers[Header.traceparent],
            attributes: {
              'messaging.system': 'kafka',
              'messaging.destination.name': config.topics.ingress,
              'airlock.trace_id': p.traceId,
              'airlock.replay.of': p.entry.traceId,
              'airlock.replay.audit_id': p.auditId,
            },
          }),
        );
        const tx = await producer.transaction();
        try {
          // Keyed as the ingress keys it (its route's key, from the body as replayed: a patch may
          // correct a part number); a record today's rules refuse (--force) keeps its old key.
          await sendPlaced(
            tx,
            config.topics.ingress,
            chunk.map((p, k) => ({
              key: p.check.pass ? p.check.key : p.entry.key,
              value: p.value,
              headers: {
                ...p.headers,
                [Header.traceparent]: spans[k]?.traceparent ?? p.headers[Header.traceparent],
              },
            })),
          );
          await sendPlaced(tx, config.topics.replayAudit, audits);
          await tx.commit();
        } catch (err) {
          await tx.abort().catch(() => undefined);
          for (const span of spans) span.fail(err);
          throw err;
        } finally {
          for (const span of spans) span.end();
        }
        const iso = new Date(at).toISOString();
        for (const p of chunk) {
          const replayed: StatusEvent = {
            stage: 'dlq-replayer',
            state: 'replayed',
            at: iso,
            replayedAs: p.traceId,
          };
          status.record(p.entry.traceId, replayed);
          const accepted: StatusEvent = {
            stage: 'dlq-replayer',
            state: 'accepted',
            at: iso,
            replayOf: p.entry.traceId,
          };
          status.record(p.traceId, accepted, p.entry.sender.subject || undefined);
        }
        done.push(...chunk);
        opts.onProgress?.(done.length, plans.length);
        // The rate cap: never ahead of ratePerSecond since the start.
        await sleep(started + (done.length / opts.ratePerSecond) * 1000 - Date.now(), opts.signal);
      }
      await status.flush();
      return done;
    },

    async recordOutcomes(outcomes, operator, reason) {
      if (outcomes.length === 0) return;
      const messages = await Promise.all(
        outcomes.map(({ plan, audit }) =>
          auditMessage(auditRecord(plan, 'outcome', operator, reason, undefined, audit)),
        ),
      );
      const tx = await producer.transaction();
      try {
        await sendPlaced(tx, config.topics.replayAudit, messages);
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
    },

    async close() {
      await producer.disconnect();
      await admin.disconnect();
      await tracing.shutdown().catch(() => undefined);
    },
  };
}

/** The pipeline's verdict on a replay, from its status timeline; undefined while still on its way. */
export function outcomeOf(events: readonly StatusEvent[]): ReplayAudit['outcome'] | undefined {
  const rejected = events.find((e) => e.state === 'rejected');
  if (rejected)
    return { state: 'rejected', topics: [], code: rejected.code ?? null, rule_ids: rejected.rules ?? [] };
  const routed = events.find((e) => e.state === 'routed');
  if (routed) return { state: 'routed', topics: routed.topics ?? [], code: null, rule_ids: [] };
  return undefined;
}
