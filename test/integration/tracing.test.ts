/**
 * One record's whole trace, read back from a real trace back end (issue #16 §1): the stages export
 * their spans over OTLP/HTTP to Jaeger (test/support/jaeger.ts), and the test asks Jaeger's query
 * API for the trace it started — one trace id, the spans of the ingress, the validators and the
 * router, each hop the child of the one before, and the destination record carrying the last span
 * on for its downstream consumer. A record the validators refuse ends its trace in the DLQ.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Header } from '../../core/headers.ts';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { postRecord, tokenFor } from '../support/https.ts';
import { type JaegerSpan, parentOf, startJaeger, type TestJaeger, tagOf } from '../support/jaeger.ts';
import { edgeMessage, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

const newTrace = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });
const spanIdOf = (traceparent: string | undefined) => traceparent?.split('-')[2];

describe('tracing: one trace across the pipeline, in a real back end (Jaeger)', () => {
  let s: Services;
  let p: Pipeline;
  let jaeger: TestJaeger;

  before(async () => {
    s = await services();
    jaeger = await startJaeger();
    p = await startPipeline(s, ['ingress', 'validators', 'router'], {
      AIRLOCK_TRACING_ENDPOINT: jaeger.otlpUrl,
      AIRLOCK_TRACING_SAMPLE_RATIO: '1',
    });
  });
  after(async () => {
    await p?.stop();
    await jaeger?.stop();
  });

  it('a record accepted: ingress → validators → router, each span the child of the hop before', async () => {
    const sender = newTrace();
    const token = await tokenFor(p.pki, 'certifying_staff');
    const answer = await postRecord(p.pki, p.url, token, {
      headers: { traceparent: `00-${sender.traceId}-${sender.spanId}-01` },
    });
    assert.equal(answer.status, 202, answer.text);
    const airlockTraceId = answer.json<{ trace_id: string }>().trace_id;
    const [delivered] = await readTopic(testKafka(s), p.topics.partsTrace, { expect: 1 });

    const names = {
      request: 'POST /v1/parts/trace',
      publish: `send ${p.topics.ingress}`,
      validate: 'validators process',
      validated: `send ${p.topics.validated}`,
      route: 'router process',
      deliver: `send ${p.topics.partsTrace}`,
    };
    const trace = await jaeger.traceWith(sender.traceId, Object.values(names));
    const byName = (n: string) => {
      const found = trace.spans.filter((x) => x.operationName === n);
      assert.equal(found.length, 1, `one span ${n}, got ${found.length}`);
      return found[0] as JaegerSpan;
    };
    const service = (x: JaegerSpan) => trace.processes[x.processID]?.serviceName;

    const request = byName(names.request);
    assert.equal(parentOf(request), sender.spanId, 'the request continues the sender’s span');
    assert.equal(service(request), 'airlock-ingress');
    assert.equal(tagOf(request, 'span.kind'), 'server');
    assert.equal(tagOf(request, 'http.response.status_code'), 202);
    assert.equal(tagOf(request, 'airlock.trace_id'), airlockTraceId);
    assert.equal(tagOf(request, 'airlock.role'), 'certifying_staff');
    const chain: [keyof typeof names, keyof typeof names, string, string][] = [
      ['publish', 'request', 'airlock-ingress', 'producer'],
      ['validate', 'publish', 'airlock-validators', 'consumer'],
      ['validated', 'validate', 'airlock-validators', 'producer'],
      ['route', 'validated', 'airlock-router', 'consumer'],
      ['deliver', 'route', 'airlock-router', 'producer'],
    ];
    for (const [child, parent, svc, kind] of chain) {
      const c = byName(names[child]);
      assert.equal(
        parentOf(c),
        byName(names[parent]).spanID,
        `${names[child]} is a child of ${names[parent]}`,
      );
      assert.equal(service(c), svc, names[child]);
      assert.equal(tagOf(c, 'span.kind'), kind, names[child]);
    }
    assert.equal(tagOf(byName(names.validate), 'airlock.verdict'), 'valid');
    assert.equal(tagOf(byName(names.validate), 'airlock.trace_id'), airlockTraceId);
    assert.equal(tagOf(byName(names.route), 'airlock.route'), 'parts-trace');
    // The downstream ledger continues from the router's produce span.
    assert.equal(spanIdOf(delivered?.headers[Header.traceparent]), byName(names.deliver).spanID);
    assert.ok(trace.spans.every((x) => x.traceID === sender.traceId));
  });

  it('a record refused by the validators ends its trace in the DLQ, with the code and rules', async () => {
    const origin = newTrace();
    const kafka = testKafka(s);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const bad = { ...sampleRecord(), serial_number: 12345 };
    await producer.send({
      topic: p.topics.ingress,
      acks: -1,
      messages: [
        edgeMessage(bad, 'N123AZ', randomUUID(), {
          traceparent: `00-${origin.traceId}-${origin.spanId}-01`,
        }),
      ],
    });
    await producer.disconnect();
    const [rejected] = await readTopic(kafka, p.topics.dlq, { expect: 1 });
    const trace = await jaeger.traceWith(origin.traceId, ['validators process', `send ${p.topics.dlq}`]);
    const validate = trace.spans.find((x) => x.operationName === 'validators process') as JaegerSpan;
    const dlq = trace.spans.find((x) => x.operationName === `send ${p.topics.dlq}`) as JaegerSpan;
    assert.equal(parentOf(validate), origin.spanId);
    assert.equal(tagOf(validate, 'airlock.verdict'), 'rejected');
    assert.equal(parentOf(dlq), validate.spanID);
    assert.equal(tagOf(dlq, 'airlock.dlq.code'), 'SCHEMA_VIOLATION');
    assert.match(String(tagOf(dlq, 'airlock.dlq.rules')), /PART-ID-1/);
    // A replay of the DLQ record continues from its DLQ hop (dlq-replayer/execute.ts).
    assert.equal(spanIdOf(rejected?.headers[Header.traceparent]), dlq.spanID);
  });

  it('a refused request is traced too: its span says 401, and nothing is published under it', async () => {
    const sender = newTrace();
    const answer = await postRecord(p.pki, p.url, 'not-a-token', {
      headers: { traceparent: `00-${sender.traceId}-${sender.spanId}-01` },
    });
    assert.equal(answer.status, 401);
    const trace = await jaeger.traceWith(sender.traceId, ['POST /v1/parts/trace']);
    assert.deepEqual(
      trace.spans.map((x) => x.operationName),
      ['POST /v1/parts/trace'],
    );
    assert.equal(tagOf(trace.spans[0] as JaegerSpan, 'http.response.status_code'), 401);
  });
});
