/**
 * Issue #6 against the real stack: the airlock-dlq tool, run as a process, on records the real
 * validators rejected. Listed, shown, counted; a dry run that still fails; a replay with a patch
 * that arrives exactly once in the destination with its lineage; a second replay refused; the
 * audit topic holding the story; an operator without a valid compliance_auditor token refused with
 * nothing published; and a replay SIGKILLed mid-way that resumes without duplicates.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../core/config/load.ts';
import { Header, ReplayHeader } from '../../core/headers.ts';
import { createRedisStatusStore } from '../../core/record-status/redis.ts';
import { createRegistry, decodeRecord } from '../../core/registry.ts';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { countByTrace } from '../support/crash.ts';
import { tokenFor } from '../support/https.ts';
import { parentOf, startJaeger, type TestJaeger } from '../support/jaeger.ts';
import { edgeMessage, endOffset, readTopic, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';
import { until } from '../support/wait.ts';

const FUTURE = '2030-01-01T10:00:00+01:00';
const FIX = { installation_date: '2025-03-01T10:00:00+01:00' };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('airlock-dlq: inspect, correct and replay rejected records (real Kafka, registry, Redis)', () => {
  let s: Services;
  let p: Pipeline;
  let dir: string;
  let auditorToken: string;
  let jaeger: TestJaeger;
  const files = (name: string, content: string) => {
    const path = `${dir}/${name}`;
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const cleanEnv = () =>
    Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_')));

  /** Starts the tool; `done` resolves when it exits. */
  const start = (args: string[]) => {
    const child = spawn(process.execPath, [`${ROOT}dlq-replayer/main.ts`, ...args], {
      env: { ...cleanEnv(), ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const done = new Promise<Run>((resolve) =>
      child.once('exit', (status) => resolve({ status, stdout, stderr })),
    );
    return { child, done };
  };
  const dlq = (...args: string[]) => start(args).done;
  const json = <T>(r: Run): T => {
    assert.ok(r.stdout.trim().startsWith('{'), `expected JSON, got:\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const auditorArgs = () => [
    '--token-file',
    files('auditor.jwt', auditorToken),
    '--cert',
    `${p.pki}/client-compliance_auditor.crt`,
    '--key',
    `${p.pki}/client-compliance_auditor.key`,
  ];

  before(async () => {
    s = await services();
    // Traced (issue #16 §1): a replay continues its DLQ record's trace.
    jaeger = await startJaeger();
    p = await startPipeline(s, ['validators', 'router'], { AIRLOCK_TRACING_ENDPOINT: jaeger.otlpUrl });
    dir = mkdtempSync(`${tmpdir()}/airlock-dlq-test-`);
    auditorToken = await tokenFor(p.pki, 'compliance_auditor', { ttlSeconds: 900 });
  });
  after(async () => {
    await p?.stop();
    await jaeger?.stop();
  });

  /** Sends records as an edge station would, each with a future installation date (TRACE-DATE-1). */
  const sendRejected = async (n: number, registration: string) => {
    const kafka = testKafka(s);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const ids: string[] = [];
    const messages = [];
    for (let i = 0; i < n; i++) {
      const id = crypto.randomUUID();
      ids.push(id);
      const body = { ...sampleRecord(), aircraft_registration: registration, installation_date: FUTURE };
      messages.push(edgeMessage(body, registration, id));
    }
    await producer.send({ topic: p.topics.ingress, acks: -1, messages });
    await producer.disconnect();
    return ids;
  };

  it('list, show, stats, dry run, replay with a patch, refusal of a second replay, the audit story', async () => {
    const [traceId] = await sendRejected(1, 'D-AIBL');
    const kafka = testKafka(s);
    const rejected = await readTopic(kafka, p.topics.dlq, { expect: 1, settleMs: 500 });
    assert.equal(rejected.length, 1, p.output('validators'));

    // Listed with its reason, and found by the filters that fit it only.
    const listed = json<{
      total: number;
      records: { ref: string; trace_id: string; rule_ids: string[]; code: string }[];
    }>(await dlq('list', '--json', '--rule', 'TRACE-DATE-1', '--registration', 'D-AIBL'));
    assert.equal(listed.total, 1);
    const [row] = listed.records;
    assert.ok(row);
    assert.equal(row.trace_id, traceId);
    assert.equal(row.code, 'RULE_VIOLATION');
    assert.deepEqual(row.rule_ids, ['TRACE-DATE-1']);
    assert.equal(json<{ total: number }>(await dlq('list', '--json', '--rule', 'SN-1')).total, 0);
    const table = await dlq('list', '--registration', 'D-AIBL');
    assert.match(
      table.stdout,
      new RegExp(`^${row.ref}\\s+\\S+\\s+validators\\s+RULE_VIOLATION\\s+TRACE-DATE-1`, 'm'),
    );

    const shown = json<{
      body: { installation_date: string };
      reasons: { rule: string; path: string; message: string }[];
      maintenance_context: { aircraft_registration: string };
      sender: { subject: string };
      replays: unknown[];
    }>(await dlq('show', row.ref, '--json'));
    assert.equal(shown.body.installation_date, FUTURE);
    assert.deepEqual(
      shown.reasons.map((r) => [r.rule, r.path]),
      [['TRACE-DATE-1', '/installation_date']],
    );
    assert.equal(shown.maintenance_context.aircraft_registration, 'D-AIBL');
    assert.deepEqual(shown.replays, []);

    const counted = json<{ byRule: Record<string, number> }>(
      await dlq('stats', '--json', '--registration', 'D-AIBL'),
    );
    assert.deepEqual(counted.byRule, { 'TRACE-DATE-1': 1 });

    const admin = kafka.admin();
    await admin.connect();
    const ingressBefore = await endOffset(admin, p.topics.ingress);

    // Dry run, as it was: it would fail again, for the same rule; nothing is published.
    const dry = await dlq(
      'replay',
      row.ref,
      '--reason',
      'check after the rules update',
      '--json',
      ...auditorArgs(),
    );
    assert.equal(dry.status, 0, dry.stderr);
    const dryResult = json<{
      executed: boolean;
      results: { result: string; code: string; detail: string }[];
    }>(dry);
    assert.equal(dryResult.executed, false);
    assert.equal(dryResult.results[0]?.result, 'would fail');
    assert.match(dryResult.results[0]?.detail ?? '', /TRACE-DATE-1/);

    // Corrected: the patched record would pass; executed, it is replayed and routed.
    const patch = files('fix.json', JSON.stringify(FIX));
    const reason = 'WO 4711: installation date mistyped on the tablet, corrected from the paper task card';
    const replayed = await dlq(
      'replay',
      row.ref,
      '--reason',
      reason,
      '--patch',
      patch,
      '--execute',
      '--json',
      ...auditorArgs(),
    );
    assert.equal(replayed.status, 0, replayed.stderr);
    const result = json<{
      replayed: number;
      results: { result: string; trace_id: string; outcome: { state: string } }[];
    }>(replayed);
    assert.equal(result.replayed, 1);
    const newTrace = result.results[0]?.trace_id ?? '';
    assert.equal(result.results[0]?.result, 'replayed');
    assert.equal(result.results[0]?.outcome?.state, 'routed', p.output('router'));

    // Exactly once in its destination, with its lineage.
    const routed = await readTopic(kafka, p.topics.partsTrace, { expect: 1, settleMs: 3000 });
    assert.equal(routed.length, 1);
    const h = routed[0]?.headers ?? {};
    assert.equal(h[Header.traceId], newTrace);
    assert.equal(h[Header.source], 'replay');
    assert.equal(h[ReplayHeader.originalTraceId], traceId);
    assert.equal(h[ReplayHeader.by], 'dev-compliance_auditor');
    assert.equal(h[Header.subject], 'edge-station-7', 'the sender stays the sender');
    assert.equal(h[ReplayHeader.reason], reason);
    assert.equal(h[ReplayHeader.count], '1');
    assert.equal(h[ReplayHeader.patched], 'true');
    assert.equal(`${h[ReplayHeader.dlqPartition]}:${h[ReplayHeader.dlqOffset]}`, row.ref);
    // Its trace: the replay's span under the DLQ hop, and the validators' under the replay's.
    const [, traceOf, dlqSpan] = (rejected[0]?.headers[Header.traceparent] ?? '').split('-');
    const trace = await jaeger.traceWith(traceOf ?? '', ['dlq-replayer replay']);
    const replaySpan = trace.spans.find((x) => x.operationName === 'dlq-replayer replay');
    assert.ok(replaySpan);
    assert.equal(parentOf(replaySpan), dlqSpan);
    assert.equal(trace.processes[replaySpan.processID]?.serviceName, 'airlock-dlq-replayer');
    await until('the validators judged the replay under its span', async () =>
      Boolean(
        (await jaeger.trace(traceOf ?? ''))?.spans.some(
          (x) => x.operationName === 'validators process' && parentOf(x) === replaySpan.spanID,
        ),
      ),
    );
    const registry = createRegistry(loadConfig(p.env, 'tool'));
    const envelope = await decodeRecord(registry, routed[0]?.message.value ?? null);
    assert.equal(envelope.source, 'replay');
    assert.equal(
      (envelope.payload as { installation_date: string }).installation_date,
      FIX.installation_date,
    );

    // Never twice.
    const ingressAfter = await endOffset(admin, p.topics.ingress);
    const again = await dlq(
      'replay',
      row.ref,
      '--reason',
      'again',
      '--patch',
      patch,
      '--execute',
      '--json',
      ...auditorArgs(),
    );
    assert.equal(again.status, 4, again.stderr);
    const refused = json<{ replayed: number; results: { result: string; code: string }[] }>(again);
    assert.equal(refused.replayed, 0);
    assert.deepEqual([refused.results[0]?.result, refused.results[0]?.code], ['refused', 'ALREADY_REPLAYED']);
    assert.equal(
      await endOffset(admin, p.topics.ingress),
      ingressAfter,
      'a refused replay publishes nothing',
    );
    assert.ok(ingressAfter > ingressBefore);
    await admin.disconnect();

    // The audit topic holds the whole story: who, why, what patch, which DLQ record, which new trace, the outcome.
    const auditTopic = p.env.AIRLOCK_TOPIC_REPLAY_AUDIT ?? '';
    const audits = await readTopic(kafka, auditTopic, { expect: 2, settleMs: 1000 });
    const decoded = await Promise.all(audits.map((a) => decodeRecord(registry, a.message.value)));
    assert.deepEqual(
      decoded.map((a) => a.event),
      ['replayed', 'outcome'],
    );
    for (const a of decoded) {
      assert.equal((a.operator as { subject: string }).subject, 'dev-compliance_auditor');
      assert.equal(a.reason, reason);
      assert.equal(a.patch, JSON.stringify(FIX));
      assert.equal(a.rejected_trace_id, traceId);
      assert.equal(a.replay_trace_id, newTrace);
      assert.equal(
        `${(a.dlq as { partition: number }).partition}:${(a.dlq as { offset: number }).offset}`,
        row.ref,
      );
    }
    assert.equal((decoded[1]?.outcome as { state: string } | undefined)?.state, 'routed');
    const story = json<{ replays: { event: string; reason: string; replay_trace_id: string }[] }>(
      await dlq('show', row.ref, '--json'),
    );
    assert.deepEqual(
      story.replays.map((r) => [r.event, r.replay_trace_id]),
      [
        ['replayed', newTrace],
        ['outcome', newTrace],
      ],
    );

    // The record's status timeline shows the replay; the replay's own timeline starts with it.
    const status = createRedisStatusStore({
      url: s.redisUrl,
      keyPrefix: p.env.AIRLOCK_REDIS_KEY_PREFIX ?? '',
      retentionMs: 60_000,
    });
    const before = await status.read(traceId ?? '');
    assert.deepEqual(
      before?.events.map((e) => [e.stage, e.state, e.replayedAs]),
      [
        ['validators', 'rejected', undefined],
        ['dlq-replayer', 'replayed', newTrace],
      ],
    );
    const after = await status.read(newTrace);
    assert.deepEqual(
      after?.events.map((e) => [e.stage, e.state]),
      [
        ['dlq-replayer', 'accepted'],
        ['validators', 'validated'],
        ['router', 'routed'],
      ],
    );
    await status.close();
  });

  it('refuses an operator without a valid compliance_auditor token, and publishes nothing', async () => {
    await sendRejected(1, 'F-GKXA');
    const kafka = testKafka(s);
    const admin = kafka.admin();
    await admin.connect();
    const ingress = await endOffset(admin, p.topics.ingress);
    const tries: [string, string[]][] = [
      ['no token', []],
      ['garbage token', ['--token-file', files('garbage.jwt', 'not-a-token')]],
      [
        'certifying_staff token',
        [
          '--token-file',
          files('staff.jwt', await tokenFor(p.pki, 'certifying_staff')),
          '--cert',
          `${p.pki}/client-certifying_staff.crt`,
          '--key',
          `${p.pki}/client-certifying_staff.key`,
        ],
      ],
      ['auditor token without its certificate', ['--token-file', files('auditor2.jwt', auditorToken)]],
      [
        'auditor token with a key that is not the certificate’s',
        [
          '--token-file',
          files('auditor3.jwt', auditorToken),
          '--cert',
          `${p.pki}/client-compliance_auditor.crt`,
          '--key',
          `${p.pki}/client-certifying_staff.key`,
        ],
      ],
    ];
    for (const [what, args] of tries) {
      const r = await dlq('replay', '--registration', 'F-GKXA', '--reason', 'try', '--execute', ...args);
      assert.equal(r.status, 3, `${what}: expected exit 3, got ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, /UNAUTHENTICATED|ROLE_FORBIDDEN/, what);
      assert.doesNotMatch(r.stderr + r.stdout, /eyJ/, `${what}: no token in the output`);
    }
    assert.equal(await endOffset(admin, p.topics.ingress), ingress, 'nothing published');
    await admin.disconnect();
  });

  it('a replay SIGKILLed mid-way resumes: every record replayed once, none twice', async () => {
    const N = 40;
    const ids = await sendRejected(N, 'G-EUPT');
    const kafka = testKafka(s);
    await readTopic(kafka, p.topics.dlq, { expect: N + 2, settleMs: 500 });
    const patch = files('fix2.json', JSON.stringify(FIX));
    const args = [
      'replay',
      '--registration',
      'G-EUPT',
      '--reason',
      'batch fix',
      '--patch',
      patch,
      '--execute',
      '--no-wait',
    ];
    const admin = kafka.admin();
    await admin.connect();
    const ingressStart = await endOffset(admin, p.topics.ingress);

    // 10 records a second, 10 per transaction: killed right after the first commit lands.
    const first = start([...args, '--rate', '10', ...auditorArgs()]);
    const deadline = Date.now() + 60_000;
    while ((await endOffset(admin, p.topics.ingress)) <= ingressStart) {
      assert.ok(Date.now() < deadline, `no replay published within 60 s\n${first.child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    await first.done;

    const afterKill = json<{ records: { replays: number }[] }>(
      await dlq('list', '--json', '--registration', 'G-EUPT', '--limit', '100'),
    );
    const done = afterKill.records.filter((r) => r.replays > 0).length;
    assert.ok(done > 0 && done < N, `the kill came mid-way (${done} of ${N} replayed)`);

    // The same command again: what was replayed is refused, the rest goes on.
    const second = await dlq(...args, '--json', ...auditorArgs());
    assert.equal(second.status, 4, second.stderr);
    const r2 = json<{ replayed: number; results: { result: string; code: string }[] }>(second);
    assert.equal(r2.replayed, N - done);
    assert.equal(r2.results.filter((r) => r.code === 'ALREADY_REPLAYED').length, done);
    await admin.disconnect();

    // Counted in the destination: every one of the N once (by original trace id), none twice.
    const routed = await readTopic(kafka, p.topics.partsTrace, { expect: N + 1, settleMs: 3000 });
    const batch = routed.filter((r) => ids.includes(r.headers[ReplayHeader.originalTraceId] ?? ''));
    const byOriginal = new Map<string, number>();
    for (const r of batch) {
      const id = r.headers[ReplayHeader.originalTraceId] ?? '';
      byOriginal.set(id, (byOriginal.get(id) ?? 0) + 1);
    }
    assert.equal(byOriginal.size, N, 'every record replayed');
    assert.deepEqual(
      [...byOriginal].filter(([, n]) => n > 1),
      [],
      'none twice',
    );
    assert.equal(
      [...countByTrace(batch).values()].every((n) => n === 1),
      true,
    );
  });
});
