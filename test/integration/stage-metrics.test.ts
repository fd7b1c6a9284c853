/**
 * Every stage's metrics, scraped by a real Prometheus (issue #16 §2): the validators and the router
 * on their health ports, the ingress over mutual TLS with a client certificate. Records go through
 * the real pipeline (two accepted, one sent to the DLQ for two rules), and the series are read back
 * from Prometheus's query API, not from the stages: what an operator's dashboard would see.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { postRecord, tokenFor } from '../support/https.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import {
  AIRLOCK_CONSOLES,
  pipelineTargets,
  startPrometheus,
  type TestPrometheus,
} from '../support/prometheus.ts';
import { type Services, services } from '../support/services.ts';
import { until } from '../support/wait.ts';

describe('metrics of every stage, scraped by a real Prometheus', () => {
  let s: Services;
  let p: Pipeline;
  let prom: TestPrometheus;

  before(async () => {
    s = await services();
    p = await startPipeline(s);
    prom = await startPrometheus(pipelineTargets(p), { consoles: AIRLOCK_CONSOLES });
  });
  after(async () => {
    await prom?.stop();
    await p?.stop();
  });

  /** The value of one series (summed over its labels), waiting for Prometheus to have scraped it. */
  const seriesValue = async (q: string, ok: (v: number) => boolean) => {
    let last = Number.NaN;
    await until(
      `${q} in Prometheus`,
      async () => {
        const r = await prom.query(`sum(${q})`);
        last = r.length === 0 ? Number.NaN : Number(r[0]?.value[1]);
        return ok(last);
      },
      30_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: last value ${last}`);
    });
    return last;
  };

  it('every target is up', async () => {
    await until(
      'all three targets up',
      async () => {
        const t = await prom.targets();
        return t.length === 3 && t.every((x) => x.health === 'up');
      },
      30_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await prom.targets())}`);
    });
  });

  it('records in and out, the DLQ by code and rule, transactions, the breaker and the lag', async () => {
    const token = await tokenFor(p.pki, 'certifying_staff');
    for (let i = 0; i < 2; i++) assert.equal((await postRecord(p.pki, p.url, token)).status, 202);
    // One record the validators refuse (straight onto the ingress topic, as an edge sync would).
    const kafka = testKafka(s);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const bad = { ...sampleRecord(), serial_number: 12345, colour: 'red' };
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [edgeMessage(bad, 'N123AZ', crypto.randomUUID())],
    });
    await producer.disconnect();
    await readTopic(kafka, p.topics.partsTrace, { expect: 2 });

    const topic = (t: string) => `topic="${t}"`;
    assert.equal(
      await seriesValue(`airlock_validators_records_in_total{${topic(p.topics.ingress)}}`, (v) => v >= 3),
      3,
    );
    assert.equal(
      await seriesValue(`airlock_validators_records_out_total{${topic(p.topics.validated)}}`, (v) => v >= 2),
      2,
    );
    assert.equal(
      await seriesValue(`airlock_validators_records_out_total{${topic(p.topics.dlq)}}`, (v) => v >= 1),
      1,
    );
    // One record, two rules: counted under each, with its code.
    for (const rule of ['AVRO-SCHEMA', 'PART-ID-1'])
      assert.equal(
        await seriesValue(
          `airlock_validators_dlq_records_total{code="SCHEMA_VIOLATION",rule="${rule}"}`,
          (v) => v >= 1,
        ),
        1,
      );
    assert.equal(
      await seriesValue(`airlock_router_records_in_total{${topic(p.topics.validated)}}`, (v) => v >= 2),
      2,
    );
    assert.equal(
      await seriesValue(`airlock_router_records_out_total{${topic(p.topics.partsTrace)}}`, (v) => v >= 2),
      2,
    );
    assert.ok(
      (await seriesValue('airlock_validators_transactions_total{outcome="committed"}', (v) => v >= 1)) >= 1,
    );
    assert.ok((await seriesValue('airlock_router_transaction_seconds_count', (v) => v >= 1)) >= 1);
    assert.equal(await seriesValue('airlock_validators_output_breaker_state', (v) => v === 0), 0);
    // Caught up: at most the commit marker of the last transaction per partition is "behind".
    const lag = await prom.query(`airlock_router_consumer_lag{${topic(p.topics.validated)}}`);
    assert.ok(lag.length > 0, 'no lag series');
    await until(
      'the router caught up',
      async () =>
        (await prom.query(`airlock_router_consumer_lag{${topic(p.topics.validated)}}`)).every(
          (r) => Number(r.value[1]) <= 1,
        ),
      30_000,
    );
    // The ingress's own series, over mutual TLS.
    assert.ok((await seriesValue('airlock_ingress_requests_total{status="202"}', (v) => v >= 2)) >= 2);

    // The console dashboard (deploy/prometheus/consoles), rendered by this Prometheus from these series.
    const page = await fetch(`${prom.url}/consoles/airlock.html`);
    const html = await page.text();
    assert.equal(page.status, 200, html.slice(0, 500));
    assert.match(html, /<h1>Airlock pipeline<\/h1>/);
    assert.doesNotMatch(html, /error executing template|template: /i);
    // Its table's values are queried at render time: the validated records are there.
    assert.match(html, /Validated out<\/td><td>\s*<a class="prom_query_drilldown"[^>]*>[0-9.]+/);
  });

  it('the validators’ history stores and reference data', async () => {
    assert.ok((await seriesValue('airlock_validators_history_partitions{state="held"}', (v) => v >= 1)) >= 1);
    assert.ok((await seriesValue('airlock_validators_history_entries', (v) => v >= 1)) >= 1);
    // The demo reference data the pipeline loads: technicians and fleet, their age known.
    assert.ok((await seriesValue('airlock_validators_reference_entries{kind="fleet"}', (v) => v >= 1)) >= 1);
    const age = await seriesValue('airlock_validators_reference_age_seconds{kind="fleet"}', (v) => v >= 0);
    assert.ok(age < 3600, `reference age ${age} s`);
  });
});
