/**
 * Crash-and-count helpers for the exactly-once tests: pre-fill a topic, watch a consumer group's
 * committed offsets, and SIGKILL a stage at given points of a stream.
 */
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { edgeMessage } from './kafka.ts';
import type { Pipeline, StageName } from './pipeline.ts';

const REGISTRATIONS = ['D-AIBL', 'N123AZ', 'G-EUPT', 'F-GKXA', 'HB-JCA', 'EI-DVM'];

/** Writes `total` records to the ingress topic; every `invalidEvery`-th breaks the schema. */
export async function prefill(kafka: Kafka, topic: string, total: number, invalidEvery = 0) {
  const valid = new Set<string>();
  const invalid = new Set<string>();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  for (let start = 0; start < total; start += 500) {
    const messages = [];
    for (let i = start; i < Math.min(total, start + 500); i++) {
      const registration = REGISTRATIONS[i % REGISTRATIONS.length] ?? 'D-AIBL';
      const traceId = crypto.randomUUID();
      const bad = invalidEvery > 0 && i % invalidEvery === 0;
      (bad ? invalid : valid).add(traceId);
      const body = {
        ...sampleRecord(),
        aircraft_registration: registration,
        ...(bad ? { serial_number: i } : {}),
      };
      messages.push(edgeMessage(body, registration, traceId));
    }
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  return { valid, invalid };
}

/** Sum of a group's committed offsets on a topic. */
export async function committed(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((n, x) => n + Math.max(0, Number(x.offset)), 0);
}

export async function waitCommitted(
  admin: Admin,
  p: Pipeline,
  stage: StageName,
  groupId: string,
  topic: string,
  min: number,
  timeoutMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await committed(admin, groupId, topic);
    if (n >= min) return n;
    assert.ok(Date.now() < deadline, `only ${n} of ${min} inputs committed\n${p.output(stage)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the stage, SIGKILLs it once each threshold is committed, then lets it finish. */
export async function crashThrough(
  admin: Admin,
  p: Pipeline,
  stage: StageName,
  groupId: string,
  topic: string,
  total: number,
): Promise<number[]> {
  const killedAt: number[] = [];
  for (const threshold of [1, total / 3, (2 * total) / 3]) {
    await p.restart(stage);
    killedAt.push(await waitCommitted(admin, p, stage, groupId, topic, threshold));
    await p.kill(stage);
  }
  await p.restart(stage);
  await waitCommitted(admin, p, stage, groupId, topic, total);
  assert.ok(
    killedAt.every((n) => n < total),
    `every crash happened mid-stream (committed at kill: ${killedAt.join(', ')})`,
  );
  return killedAt;
}

/** How many times each trace id appears. */
export function countByTrace(records: readonly { headers: Record<string, string> }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) {
    const id = r.headers['airlock-trace-id'] ?? '';
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}
