/**
 * Crash-and-count helpers for the exactly-once tests: pre-fill a topic, watch a consumer group's
 * committed offsets, and SIGKILL a stage at given points of a stream.
 */
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { edgeMessage } from './kafka.ts';
import type { Pipeline, PipelineStage } from './pipeline.ts';

const REGISTRATIONS = ['D-AIBL', 'N123AZ', 'G-EUPT', 'F-GKXA', 'HB-JCA', 'EI-DVM'];

/**
 * Writes `total` records to the ingress topic; every `invalidEvery`-th breaks the schema. `from`
 * numbers the records so that several calls together follow one sequence.
 */
export async function prefill(
  kafka: Kafka,
  topic: string,
  total: number,
  invalidEvery = 0,
  from = 0,
  /** A live feed: `perSecond` records a second, in sends every 50 ms (default: as fast as it goes). */
  opts: { perSecond?: number } = {},
) {
  const valid = new Set<string>();
  const invalid = new Set<string>();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const chunk = opts.perSecond ? Math.max(1, Math.round(opts.perSecond / 20)) : 500;
  const started = performance.now();
  for (let start = from; start < from + total; start += chunk) {
    if (opts.perSecond) {
      const due = started + ((start - from) / opts.perSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const messages = [];
    for (let i = start; i < Math.min(from + total, start + chunk); i++) {
      const registration = REGISTRATIONS[i % REGISTRATIONS.length] ?? 'D-AIBL';
      const traceId = crypto.randomUUID();
      const bad = invalidEvery > 0 && i % invalidEvery === 0;
      (bad ? invalid : valid).add(traceId);
      // Inspections of the sample part (sampleRecord): only the schema decides validated or DLQ.
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

/**
 * Feeds `total` records to the ingress topic in `rounds` equal parts, one part per call of `next`;
 * `valid` and `invalid` collect the trace ids of everything fed so far.
 */
export function feeder(kafka: Kafka, topic: string, total: number, rounds: number, invalidEvery = 0) {
  const valid = new Set<string>();
  const invalid = new Set<string>();
  const size = Math.ceil(total / rounds);
  let fed = 0;
  return {
    valid,
    invalid,
    /** Feeds the next part; resolves to the number of records fed so far. */
    async next(): Promise<number> {
      const n = Math.min(size, total - fed);
      const part = await prefill(kafka, topic, n, invalidEvery, fed);
      for (const id of part.valid) valid.add(id);
      for (const id of part.invalid) invalid.add(id);
      fed += n;
      return fed;
    },
  };
}

/** Sum of a group's committed offsets on a topic. */
export async function committed(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((n, x) => n + Math.max(0, Number(x.offset)), 0);
}

export async function waitCommitted(
  admin: Admin,
  p: Pipeline,
  stage: PipelineStage,
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

/**
 * Crashes a stage `crashes` times in the middle of its input stream and lets it finish: before each
 * crash `feed` adds one more part of the input, the stage is (re)started, and it is SIGKILLed as soon
 * as its group commits past where the previous crash left it. The last part of the input is fed only
 * after the last crash, so no crash can come after the stage has consumed everything (on a fast
 * machine a pre-filled stream could be finished before the third kill). Resolves to the committed
 * input offsets at each crash, once the stage runs again with all the input fed.
 */
export async function crashThrough(opts: {
  admin: Admin;
  p: Pipeline;
  stage: PipelineStage;
  groupId: string;
  topic: string;
  feed: () => Promise<unknown>;
  crashes?: number;
}): Promise<number[]> {
  const { admin, p, stage, groupId, topic, feed, crashes = 3 } = opts;
  const killedAt: number[] = [];
  for (let i = 0; i < crashes; i++) {
    await feed();
    await p.restart(stage);
    killedAt.push(await waitCommitted(admin, p, stage, groupId, topic, (killedAt.at(-1) ?? 0) + 1));
    await p.kill(stage);
  }
  await feed();
  await p.restart(stage);
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
