/**
 * Shedding by priority (issue #15 §4), against the real Kafka and Redis: an ingress whose shedding
 * threshold is low (8 records in flight) is pressed for real by concurrent logbook batches (the
 * highest priority), while measurements (the lowest) are sent beside them. Then:
 * - measurements are refused 503 OVERLOADED with Retry-After, while every logbook record is 202;
 * - /metrics and /health/ready say it is shedding, and the ingress stays ready;
 * - read_committed, the ingress topic holds every record answered 202 and none answered 503;
 * - once the load stops, shedding stops and measurements are accepted again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { Header } from '../../core/headers.ts';
import { contextHeader, sampleContext } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { type Answer, httpsCall, postRecord, tokenFor } from '../support/https.ts';
import { readToEnd, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const example = (dir: string) =>
  JSON.stringify(JSON.parse(readFileSync(`${ROOT}avro/examples/${dir}`, 'utf8')));
const ENTRY = example('logbook-entry/valid/crs-easa.json');
const MEASUREMENT = example('measurement/valid/torque-in-spec.json');
const BATCH = 20;
const HOLD_MS = 1500;

interface Health {
  status: string;
  shedding: { level: number; since: string | null; shedRoutes: string[]; inFlightRecords: number };
}

describe('shedding by priority (real Kafka and Redis)', () => {
  let s: Services;
  let p: Pipeline;
  let agent: Agent;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_INGRESS_SHEDDING: JSON.stringify({ maxInFlightRecords: 8, holdMs: HOLD_MS, retryAfterS: 2 }),
      AIRLOCK_INGRESS_RATE_LIMITS: '{"*":{"limit":10000000,"windowMs":60000}}',
      AIRLOCK_INGRESS_ACCESS_LOG: 'false',
      // Concurrent handshakes on a shared 2-core machine: a slow Redis answer is not the subject here.
      AIRLOCK_REDIS_COMMAND_TIMEOUT_MS: '5000',
    });
    agent = new Agent({ keepAlive: true, maxSockets: 16 });
  });
  after(async () => {
    agent?.destroy();
    await p?.stop();
  });

  it('the low route sheds with 503 + Retry-After while the high route keeps every record; then it stops', async () => {
    const token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 900 });
    const ctx = () => contextHeader(sampleContext('D-AIBL'));
    const post = (path: string, body: string, type = 'application/json') =>
      postRecord(p.pki, p.url, token, {
        path,
        body,
        agent,
        headers: { 'content-type': type, 'x-maintenance-context': ctx() },
      });
    const get = async <T>(path: string) => {
      const a = await httpsCall(p.pki, `${p.url}${path}`, { agent });
      return { status: a.status, body: (path === '/metrics' ? a.text : a.json()) as T };
    };

    const accepted = new Set<string>();
    const shed = new Set<string>();
    const other: Answer[] = [];
    let stop = false;
    // The pressure: logbook batches of 20 records, 4 in flight, in a closed loop.
    const ndjson = `${Array.from({ length: BATCH }, () => ENTRY).join('\n')}\n`;
    // A sender that fails ends the load for all (the finally below), never hangs the test.
    const sender = (send: () => Promise<void>) => async () => {
      try {
        while (!stop) await send();
      } finally {
        stop = true;
      }
    };
    const high = Array.from(
      { length: 4 },
      sender(async () => {
        const a = await post('/v1/logbook', ndjson, 'application/x-ndjson');
        const results =
          a.status === 207 ? a.json<{ results: { status: number; trace_id?: string }[] }>() : undefined;
        if (!results) other.push(a);
        for (const r of results?.results ?? []) {
          if (r.status === 202 && r.trace_id) accepted.add(r.trace_id);
          else other.push(a);
        }
      }),
    );
    const lowAnswers: Answer[] = [];
    const low = Array.from(
      { length: 2 },
      sender(async () => {
        const a = await post('/v1/measurements', MEASUREMENT);
        lowAnswers.push(a);
        const traceId = a.json<{ trace_id?: string }>().trace_id ?? '';
        if (a.status === 202) accepted.add(traceId);
        else if (a.status === 503) shed.add(traceId);
        else other.push(a);
        await new Promise((r) => setTimeout(r, 20));
      }),
    );

    // While pressed: the health detail and the metric say it is shedding, and it stays ready.
    let seen: Health | undefined;
    let readyWhileShedding = 0;
    let metricText = '';
    try {
      for (let waited = 0; waited < 20_000 && !seen && !stop; waited += 200) {
        await new Promise((r) => setTimeout(r, 200));
        const h = await get<Health>('/health/ready');
        if ((h.body.shedding?.level ?? 0) > 0 && shed.size > 0) {
          readyWhileShedding = h.status;
          seen = h.body;
          metricText = (await get<string>('/metrics')).body;
        }
      }
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      stop = true;
      await Promise.allSettled([...high, ...low]);
    }
    await Promise.all([...high, ...low]);

    const summary = `${accepted.size} accepted, ${shed.size} shed, others: ${other
      .slice(0, 3)
      .map((o) => `${o.status} ${o.text.slice(0, 300)}`)
      .join('; ')}`;
    assert.ok(seen, `never shed (${summary}):\n${p.output('ingress')}`);
    assert.equal(readyWhileShedding, 200, 'shedding is not unreadiness');
    assert.ok(seen.shedding.shedRoutes.includes('measurements'), JSON.stringify(seen));
    assert.ok(!seen.shedding.shedRoutes.includes('logbook'), 'the highest priority is never shed');
    assert.ok(seen.shedding.since, 'since when');
    assert.match(metricText, /airlock_ingress_shedding_level [12]\b/);
    assert.match(metricText, /airlock_ingress_shed_total\{route="measurements"\} [1-9]/);
    assert.deepEqual(
      other.map((a) => `${a.status} ${a.text.slice(0, 200)}`),
      [],
      'every logbook record was accepted; measurements were accepted or shed, nothing else',
    );
    const refused = lowAnswers.filter((a) => a.status === 503);
    assert.ok(refused.length > 0);
    for (const a of refused) {
      assert.equal(a.json<{ code: string }>().code, 'OVERLOADED');
      assert.equal(a.headers['retry-after'], '2');
      assert.match(String(a.headers['content-type']), /^application\/problem\+json/);
    }

    // Once the load is gone, shedding stops (after its hold) and measurements are accepted again.
    let calm: Health | undefined;
    for (let waited = 0; waited < 15_000 && !calm; waited += 250) {
      const h = await get<Health>('/health/ready');
      if (h.body.shedding.level === 0) calm = h.body;
      else await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(calm, 'shedding stopped');
    assert.equal(calm.shedding.since, null);
    assert.match((await get<string>('/metrics')).body, /airlock_ingress_shedding_level 0\b/);
    const again = await post('/v1/measurements', MEASUREMENT);
    assert.equal(again.status, 202, again.text);
    accepted.add(again.json<{ trace_id: string }>().trace_id);

    // Counted with read_committed: every 202 is in the topic once, no shed record is.
    const records = await readToEnd(testKafka(s), p.topics.ingress);
    const traces = records.map((r) => r.headers[Header.traceId] ?? '');
    assert.equal(new Set(traces).size, traces.length, 'no record twice');
    assert.deepEqual(new Set(traces), accepted);
    for (const t of shed) assert.ok(!accepted.has(t));
    const routes = new Set(records.map((r) => r.headers[Header.route]));
    assert.deepEqual(routes, new Set(['logbook', 'measurements']));
    const shedTotal = /airlock_ingress_shed_total\{route="measurements"\} (\d+)/.exec(
      (await get<string>('/metrics')).body,
    );
    assert.equal(Number(shedTotal?.[1]), shed.size, 'each shed request counted once');
    console.log(
      `shedding: ${accepted.size} records accepted, ${shed.size} measurements shed of ${lowAnswers.length}; level seen ${seen.shedding.level}`,
    );
  });
});
