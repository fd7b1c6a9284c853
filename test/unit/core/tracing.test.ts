import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createTracing, untraced } from '../../../core/telemetry/tracing.ts';

/** Keeps its spans past the provider's shutdown (the SDK's own exporter forgets them then). */
class KeptSpans extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const parts = (tp: string) => {
  const [, traceId, spanId, flags] = tp.split('-');
  return { traceId, spanId, flags };
};

describe('tracing (core/telemetry/tracing.ts)', () => {
  it('off: a span only hands on a new span id in the same trace', async () => {
    const s = untraced.start('x', { kind: 'consumer', parent: PARENT });
    assert.equal(parts(s.traceparent).traceId, parts(PARENT).traceId);
    assert.notEqual(parts(s.traceparent).spanId, parts(PARENT).spanId);
    const c = s.child('send', { kind: 'producer' });
    assert.equal(parts(c.traceparent).traceId, parts(PARENT).traceId);
    assert.notEqual(c.traceparent, s.traceparent);
    assert.equal(untraced.enabled, false);
    assert.equal(createTracing({ sampleRatio: 1 }, 'router'), untraced);
  });

  it('on: spans continue the record’s trace, children link to their parent, the resource names the stage', async () => {
    const exporter = new KeptSpans();
    const t = createTracing({ sampleRatio: 1 }, 'validators', exporter);
    const s = t.start('validators process', {
      kind: 'consumer',
      parent: PARENT,
      attributes: { 'messaging.system': 'kafka' },
    });
    const c = s.child('send airlock.validated', { kind: 'producer' });
    s.set({ 'airlock.verdict': 'accepted' });
    s.end(); // ends the open child too
    s.end();
    await t.shutdown();
    const spans = exporter.getFinishedSpans();
    assert.equal(spans.length, 2);
    const [child, parent] = [
      spans.find((x) => x.name.startsWith('send')),
      spans.find((x) => x.name.endsWith('process')),
    ];
    assert.ok(child && parent);
    assert.equal(parent.spanContext().traceId, parts(PARENT).traceId);
    assert.equal(parent.parentSpanContext?.spanId, parts(PARENT).spanId);
    assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(parts(s.traceparent).spanId, parent.spanContext().spanId);
    assert.equal(parts(c.traceparent).spanId, child.spanContext().spanId);
    assert.equal(parent.attributes['airlock.verdict'], 'accepted');
    assert.equal(parent.resource.attributes['service.name'], 'airlock-validators');
  });

  it('a malformed or absent traceparent starts a new trace; a failure is recorded by its code', async () => {
    const exporter = new KeptSpans();
    const t = createTracing({ sampleRatio: 1 }, 'ingress', exporter);
    const s = t.start('POST /v1/logbook', { kind: 'server', parent: '00-zz-bad-01' });
    s.fail(Object.assign(new Error('broker gone'), { code: 'KAFKA_UNAVAILABLE' }));
    s.end();
    await t.shutdown();
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(span.parentSpanContext, undefined);
    assert.notEqual(span.spanContext().traceId, parts(PARENT).traceId);
    assert.equal(span.status.code, 2); // ERROR
    assert.equal(span.status.message, 'broker gone');
    assert.equal(span.attributes['error.type'], 'KAFKA_UNAVAILABLE');
  });

  it('sampling: a new trace at ratio 0 is not exported but still carried on; a sampled parent is followed', async () => {
    const exporter = new KeptSpans();
    const t = createTracing({ sampleRatio: 0 }, 'ingress', exporter);
    const root = t.start('root', { kind: 'server' });
    assert.equal(parts(root.traceparent).flags, '00');
    const next = t.start('next', { kind: 'consumer', parent: root.traceparent });
    assert.equal(parts(next.traceparent).traceId, parts(root.traceparent).traceId);
    const followed = t.start('followed', { kind: 'consumer', parent: PARENT });
    assert.equal(parts(followed.traceparent).flags, '01');
    for (const s of [root, next, followed]) s.end();
    await t.shutdown();
    assert.deepEqual(
      exporter.getFinishedSpans().map((s) => s.name),
      ['followed'],
    );
  });

  it('links name other traces (an edge sync’s records)', async () => {
    const exporter = new KeptSpans();
    const t = createTracing({ sampleRatio: 1 }, 'edge', exporter);
    t.start('edge sync', { kind: 'client', links: [PARENT, 'not-a-traceparent'] }).end();
    await t.shutdown();
    const [span] = exporter.getFinishedSpans();
    assert.deepEqual(
      span?.links.map((l) => l.context.spanId),
      [parts(PARENT).spanId],
    );
  });
});
