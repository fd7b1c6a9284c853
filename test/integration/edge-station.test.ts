/**
 * The edge station (issue #13) against the real stack: signed records queued while the central
 * ingress is down arrive exactly once, in order, across SIGKILLs of the station during the sync;
 * a 202 survives a SIGKILL right after it; the outbox holds no plaintext; bad signatures and a full
 * outbox are refused and queue nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { type EdgeFiles, type EdgeProcess, edgeFiles, signedItem, startEdge } from '../support/edge.ts';
import { httpsCall } from '../support/https.ts';
import { parentOf, startJaeger, type TestJaeger, tagOf } from '../support/jaeger.ts';
import { readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';
import { until } from '../support/wait.ts';

interface SyncStatus {
  queued: { airworthiness: { records: number; bytes: number } };
  synced: number;
  in_flight: unknown;
  rejects: { count: number };
  connectivity: string;
}

const status = async (p: Pipeline, e: EdgeProcess) =>
  (await httpsCall(p.pki, `${e.url}/health/sync-status`)).json<SyncStatus>();

const queue = (p: Pipeline, e: EdgeProcess, body: unknown, ndjson = false) =>
  httpsCall(p.pki, `${e.url}/edge/queue`, {
    method: 'POST',
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    body: ndjson ? `${(body as unknown[]).map((x) => JSON.stringify(x)).join('\n')}\n` : JSON.stringify(body),
  });

describe('edge station: store, refuse, survive (central ingress down)', () => {
  let p: Pipeline;
  let files: EdgeFiles;
  let edge: EdgeProcess;
  const context = sampleContext('D-AIBL');

  before(async () => {
    // No central ingress at all: the station keeps everything.
    p = await startPipeline(await services(), []);
    files = await edgeFiles(p.url, { AIRLOCK_EDGE_MAX_AIRWORTHINESS_BYTES: String(64 * 1024) });
    edge = await startEdge(files);
  });
  after(async () => {
    await edge?.kill();
    await p?.stop();
    if (files) rmSync(files.dir, { recursive: true, force: true });
  });

  it('forged, missing, unknown-key, replayed and revoked signatures are refused with 401; nothing is queued', async () => {
    const record = sampleRecord();
    const good = await signedItem(files.signers.tablet, 'parts-trace', context, record);
    const forged = { ...(await signedItem(files.signers.other, 'parts-trace', context, record)) };
    // tablet-8's signature, claimed as tablet-7's: the header's kid is rewritten.
    const [, payload, sig] = forged.signature.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'tablet-7' })).toString('base64url');
    const cases: [string, unknown, RegExp][] = [
      ['forged', { ...forged, signature: `${header}.${payload}.${sig}` }, /does not verify/],
      ['missing', { ...good, signature: undefined }, /no signature/],
      [
        'unknown key',
        await signedItem(files.signers.other, 'parts-trace', context, record),
        /not in the station's registry/,
      ],
      [
        'replayed for another body',
        { ...good, record: { ...record, serial_number: 'SN99999X' } },
        /another body/,
      ],
      ['revoked key', await signedItem(files.signers.revoked, 'parts-trace', context, record), /revoked/],
    ];
    for (const [name, item, detail] of cases) {
      const res = await queue(p, edge, item);
      assert.equal(res.status, 401, `${name}: ${res.text}`);
      const problem = res.json<{ code: string; detail: string }>();
      assert.equal(problem.code, 'SIGNATURE_INVALID', name);
      assert.match(problem.detail, detail, name);
    }
    // And the schema and rules, as the ingress would (422), before anything is queued.
    const invalid = await queue(
      p,
      edge,
      await signedItem(files.signers.tablet, 'parts-trace', context, { ...record, serial_number: 1 }),
    );
    assert.equal(invalid.status, 422, invalid.text);
    assert.equal((await status(p, edge)).queued.airworthiness.records, 0);
  });

  it('a 202 survives a SIGKILL right after it, the outbox holds no plaintext of it, and the item sent again is the same record', async () => {
    const marker = 'PLAINTEXT-MARKER-7f3a';
    const signed = await signedItem(files.signers.tablet, 'parts-trace', context, {
      ...sampleRecord(),
      remarks: marker,
    });
    const res = await queue(p, edge, signed);
    assert.equal(res.status, 202, res.text);
    await edge.kill();
    for (const f of readdirSync(files.dataDir)) {
      const bytes = readFileSync(`${files.dataDir}/${f}`);
      for (const needle of [marker, 'SN12345K', 'D-AIBL', context.work_order_id ?? ''])
        assert.ok(!bytes.includes(needle), `${f} holds "${needle}" in plaintext`);
    }
    edge = await startEdge(files);
    assert.equal((await status(p, edge)).queued.airworthiness.records, 1);
    // The tablet never saw its 202 and sends the same signed item again: the same record.
    const again = await queue(p, edge, signed);
    assert.equal(again.status, 202, again.text);
    assert.equal(again.json<{ id: string }>().id, res.json<{ id: string }>().id);
    assert.equal((await status(p, edge)).queued.airworthiness.records, 1);
    // The metrics say the same: one record waiting, and for how long (the backlog-age alert's series).
    const metrics = (await httpsCall(p.pki, `${edge.url}/metrics`)).text;
    assert.match(metrics, /^airlock_edge_queued_records\{priority="airworthiness"\} 1$/m);
    const age = Number(/^airlock_edge_oldest_queued_age_seconds (\S+)$/m.exec(metrics)?.[1]);
    assert.ok(age > 0 && age < 600, `oldest queued age ${age}`);
  });

  it('a full outbox refuses with 507 and keeps everything it accepted', async () => {
    let accepted = 1;
    let full: Awaited<ReturnType<typeof queue>> | undefined;
    for (let i = 0; i < 500 && !full; i++) {
      const res = await queue(
        p,
        edge,
        await signedItem(files.signers.tablet, 'parts-trace', context, {
          ...sampleRecord(),
          remarks: `fill ${i} ${'z'.repeat(1000)}`,
        }),
      );
      if (res.status === 202) accepted++;
      else full = res;
    }
    assert.ok(full, 'the outbox never filled');
    assert.equal(full.status, 507, full.text);
    assert.equal(full.json<{ code: string }>().code, 'OUTBOX_FULL');
    assert.equal((await status(p, edge)).queued.airworthiness.records, accepted);
    assert.match(edge.output(), /ALARM: the edge outbox is full/);
  });
});

describe('edge station: 2,000 records queued offline arrive exactly once, in order, across three SIGKILLs during the sync', () => {
  let s: Services;
  let p: Pipeline;
  let files: EdgeFiles;
  let edge: EdgeProcess | undefined;
  let jaeger: TestJaeger;
  const COUNT = 2000;

  before(async () => {
    s = await services();
    // Traced (issue #16 §1): each sync batch's span is the parent of the central ingress's request.
    jaeger = await startJaeger();
    const tracing = { AIRLOCK_TRACING_ENDPOINT: jaeger.otlpUrl };
    // The validators and the router run; the central ingress is down until the test starts it.
    p = await startPipeline(s, ['validators', 'router'], tracing);
    files = await edgeFiles(p.url, {
      ...tracing,
      AIRLOCK_EDGE_SYNC_BATCH_RECORDS: '50',
      // ~400 bytes a record: the sync takes seconds, long enough to be killed in the middle.
      AIRLOCK_EDGE_SYNC_BYTES_PER_SECOND: '150000',
    });
    edge = await startEdge(files);
  });
  after(async () => {
    await edge?.kill();
    await p?.stop();
    await jaeger?.stop();
    if (files) rmSync(files.dir, { recursive: true, force: true });
  });

  it('counts every record once in the destination topic, in the order it was captured', async () => {
    const context = sampleContext('D-AIBL');
    const current = () => edge as EdgeProcess;
    for (let from = 0; from < COUNT; from += 200) {
      const items = [];
      for (let i = from; i < from + 200; i++)
        items.push(
          await signedItem(files.signers.tablet, 'parts-trace', context, {
            ...sampleRecord(),
            remarks: `seq ${i}`,
          }),
        );
      const res = await queue(p, current(), items, true);
      assert.equal(res.status, 207, res.text);
      assert.equal(res.json<{ accepted: number }>().accepted, 200, res.text);
    }
    assert.equal((await status(p, current())).queued.airworthiness.records, COUNT);
    assert.equal((await status(p, current())).connectivity, 'offline');

    await p.restart('ingress');
    for (let kill = 0; kill < 3; kill++) {
      const before = (await status(p, current())).synced;
      await until(
        'the sync makes progress',
        async () => (await status(p, current())).synced > before,
        60_000,
      );
      await current().kill();
      edge = await startEdge(files);
    }
    await until(
      'the outbox drains',
      async () => {
        const st = await status(p, current());
        return st.queued.airworthiness.records === 0 && st.in_flight === null;
      },
      120_000,
    );
    assert.equal((await status(p, current())).rejects.count, 0);

    const routed = await readTopic(testKafka(s), p.topics.partsTrace, {
      expect: COUNT,
      timeoutMs: 120_000,
      settleMs: 3000,
    });
    const { createRegistry, decodeRecord } = await import('../../core/registry.ts');
    const { loadConfig } = await import('../../core/config/load.ts');
    const registry = createRegistry(loadConfig(p.env, 'tool'));
    const seqs: number[] = [];
    for (const r of routed) {
      const envelope = await decodeRecord(registry, r.message.value);
      seqs.push(Number((envelope.payload as { remarks: string }).remarks.replace('seq ', '')));
    }
    assert.equal(new Set(seqs).size, seqs.length, 'no record twice');
    assert.equal(seqs.length, COUNT, `${seqs.length} of ${COUNT} arrived\n${current().output()}`);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'in the order captured',
    );
    // The last record's trace: edge sync (the station) → the central request → … → its destination.
    const last = routed.at(-1)?.headers.traceparent?.split('-')[1] ?? '';
    const trace = await jaeger.traceWith(last, ['edge sync', 'POST /v1/parts/trace', 'router process']);
    const sync = trace.spans.find((x) => x.operationName === 'edge sync');
    const request = trace.spans.find((x) => x.operationName === 'POST /v1/parts/trace');
    assert.ok(sync && request);
    assert.equal(trace.processes[sync.processID]?.serviceName, 'airlock-edge');
    assert.equal(parentOf(request), sync.spanID);
    assert.equal(tagOf(sync, 'http.response.status_code'), 207);
  });
});
