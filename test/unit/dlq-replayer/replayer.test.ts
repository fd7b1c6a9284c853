/**
 * The DLQ tool's decisions without I/O: entries read from DLQ records, filters and counts, JSON
 * Merge Patch (RFC 7396's own examples), the replay plan (refusals, headers, today's verdict) and
 * the command line's usage errors, which are answered before any connection is made.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../core/config/load.ts';
import { toDlq } from '../../../core/consumer/dead-letter.ts';
import { loadContract } from '../../../core/contract.ts';
import { ErrorHeader, Header, type HeaderMap, headersToMap, ReplayHeader } from '../../../core/headers.ts';
import { EXIT, type Io, parseTime, runCli, table } from '../../../dlq-replayer/cli.ts';
import {
  type DlqEntry,
  matches,
  mergePatch,
  newestFirst,
  parseRef,
  stats,
  toEntry,
} from '../../../dlq-replayer/entry.ts';
import { outcomeOf } from '../../../dlq-replayer/execute.ts';
import { coordinates, judgeWith, type PlanOptions, planReplay } from '../../../dlq-replayer/plan.ts';
import { defaultRoutingSpec, parseRoutingTable } from '../../../router/table.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { sampleInstallation, sampleRecord } from '../../../scripts/lib/sample.ts';
import { edgeMessage } from '../../support/kafka.ts';

const config = loadConfig(
  { AIRLOCK_KAFKA_BROKERS: '127.0.0.1:1', AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:1' },
  'tool',
);
const contracts = loadContract();
const judge = judgeWith(
  contracts,
  () => DEFAULT_RULE_PARAMS,
  parseRoutingTable(defaultRoutingSpec(), config, contracts),
  () => new Date('2026-11-21T12:00:00Z'),
);
const FUTURE = '2030-01-01T10:00:00+01:00';

/** A DLQ entry as the validators write it: the edge record, rejected for TRACE-DATE-1. */
function rejectedEntry(
  body: unknown = { ...sampleRecord(), installation_date: FUTURE },
  extra: HeaderMap = {},
  offset = '7',
) {
  const m = edgeMessage(body, 'D-AIBL');
  const input = {
    topic: 'airlock.ingress.v1',
    partition: 1,
    message: {
      key: Buffer.from(m.key),
      value: Buffer.from(m.value),
      headers: { ...m.headers, ...extra },
      offset: '41',
      timestamp: '0',
      attributes: 0,
    },
  };
  const out = toDlq(
    'airlock.dlq.v1',
    'validators',
    input as never,
    { ...m.headers, ...extra },
    {
      code: 'RULE_VIOLATION',
      reasons: [
        {
          code: 'RULE_VIOLATION',
          rule: 'TRACE-DATE-1',
          path: '/installation_date',
          message: 'installation_date is in the future',
        },
      ],
    },
    new Date('2026-11-20T08:00:00Z'),
  );
  return toEntry(
    'airlock.dlq.v1',
    2,
    {
      offset,
      timestamp: String(Date.parse('2026-11-20T08:00:01Z')),
      key: Buffer.from(String(out.message.key)),
      value: out.message.value as Buffer,
    },
    headersToMap(out.message.headers as never),
  );
}

const operator = { subject: 'auditor-1', role: 'compliance_auditor', issuer: 'https://idp', jti: 'j1' };
const opts = (o: Partial<PlanOptions> = {}): PlanOptions => ({
  operator,
  reason: 'corrected from the task card',
  maxReplays: 3,
  now: new Date('2026-11-21T12:00:00Z'),
  ...o,
});

describe('DLQ entries', () => {
  it('reads a DLQ record: coordinates, reasons with rule and pointer, context, sender, origin', () => {
    const e = rejectedEntry();
    assert.equal(e.ref, '2:7');
    assert.equal(e.stage, 'validators');
    assert.equal(e.code, 'RULE_VIOLATION');
    assert.deepEqual(e.ruleIds, ['TRACE-DATE-1']);
    assert.deepEqual(
      e.reasons.map((r) => [r.rule, r.path]),
      [['TRACE-DATE-1', '/installation_date']],
    );
    assert.equal(e.context?.aircraft_registration, 'D-AIBL');
    assert.equal(e.sender.subject, 'edge-station-7');
    assert.deepEqual(e.origin, { topic: 'airlock.ingress.v1', partition: '1', offset: '41' });
    assert.equal(e.rejectedAt, '2026-11-20T08:00:01.000Z');
    assert.equal(e.replayOf, undefined);
  });

  it('a record with damaged headers is still an entry, with what could be read', () => {
    const e = toEntry(
      'dlq',
      0,
      { offset: '0', timestamp: '0', key: null, value: null },
      {
        [ErrorHeader.reasons]: '{not json',
        [ErrorHeader.message]: 'boom',
        [Header.maintenanceContext]: '[]',
      },
    );
    assert.equal(e.context, undefined);
    assert.deepEqual(
      e.reasons.map((r) => r.message),
      ['boom'],
    );
    assert.equal(e.traceId, '');
  });

  it('references are <partition>:<offset>', () => {
    assert.deepEqual(parseRef('2:7'), { partition: 2, offset: '7' });
    assert.deepEqual(parseRef(' 0:0042 '), { partition: 0, offset: '42' });
    for (const bad of ['2', '2:', ':7', '-1:3', '2:7:1', 'a:b', '1:99999999999999999999'])
      assert.equal(parseRef(bad), undefined, bad);
  });

  it('filters: every given criterion must hold; time range is [since, until)', () => {
    const e = rejectedEntry();
    assert.ok(matches(e, {}));
    assert.ok(
      matches(e, { rule: 'TRACE-DATE-1', registration: 'D-AIBL', stage: 'validators', route: 'parts-trace' }),
    );
    assert.ok(!matches(e, { rule: 'SN-1' }));
    assert.ok(!matches(e, { registration: 'N123AZ' }));
    assert.ok(!matches(e, { sender: 'someone-else' }));
    assert.ok(!matches(e, { code: 'SCHEMA_VIOLATION' }));
    assert.ok(matches(e, { since: new Date('2026-11-20T08:00:01Z') }));
    assert.ok(!matches(e, { until: new Date('2026-11-20T08:00:01Z') }));
    assert.ok(!matches(e, { workOrder: '00000000-0000-4000-8000-000000000000' }));
  });

  it('newest first, ties by partition and offset', () => {
    const a = rejectedEntry(undefined, {}, '1');
    const b = rejectedEntry(undefined, {}, '2');
    const c = { ...rejectedEntry(undefined, {}, '3'), rejectedAt: '2026-11-21T00:00:00.000Z' };
    assert.deepEqual(
      [a, b, c].sort(newestFirst).map((x) => x.offset),
      ['3', '2', '1'],
    );
  });

  it('stats count by rule, code, route, stage, day and sender', () => {
    const s = stats([rejectedEntry(), rejectedEntry()]);
    assert.equal(s.total, 2);
    assert.deepEqual({ ...s.byRule }, { 'TRACE-DATE-1': 2 });
    assert.deepEqual({ ...s.byDay }, { '2026-11-20': 2 });
    assert.deepEqual({ ...s.bySender }, { 'edge-station-7': 2 });
  });

  it('a sender named "constructor" is counted like any other; a timestamp out of range does not crash', () => {
    const e = rejectedEntry(undefined, { [Header.subject]: 'constructor' });
    assert.deepEqual({ ...stats([e]).bySender }, { constructor: 1 });
    const odd = toEntry('dlq', 0, { offset: '0', timestamp: '9e15', key: null, value: null }, {});
    assert.equal(odd.rejectedAt, '');
  });
});

describe('JSON Merge Patch (RFC 7396 appendix A)', () => {
  const vectors: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of vectors) {
    it(`${JSON.stringify(target)} + ${JSON.stringify(patch)} = ${JSON.stringify(result)}`, () => {
      assert.deepEqual(mergePatch(target, patch), result);
    });
  }

  it('a member named __proto__ is data, never the prototype', () => {
    const out = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });

  it('does not change its inputs', () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    assert.deepEqual(target, { a: { b: 1 } });
  });
});

describe('replay plans', () => {
  const body = (e: DlqEntry) => JSON.parse(String(e.value));

  it('as it was: the exact bytes, a new trace id, source replay, replay headers, no rejection headers; today it would still fail', () => {
    const e = rejectedEntry();
    const plan = planReplay(e, body(e), new Map(), opts(), judge);
    assert.equal(plan.kind, 'ready');
    if (plan.kind !== 'ready') return;
    assert.equal(plan.value, e.value, 'the bytes received, untouched');
    assert.notEqual(plan.traceId, e.traceId);
    assert.equal(plan.headers[Header.traceId], plan.traceId);
    assert.equal(plan.headers[Header.source], 'replay');
    assert.equal(plan.headers[Header.subject], 'edge-station-7', 'the sender stays the sender');
    assert.equal(plan.headers[Header.receivedAt], e.receivedAt, 'received when it was first received');
    assert.equal(plan.headers[ReplayHeader.originalTraceId], e.traceId);
    assert.equal(plan.headers[ReplayHeader.count], '1');
    assert.equal(plan.headers[ReplayHeader.by], 'auditor-1');
    assert.equal(`${plan.headers[ReplayHeader.dlqPartition]}:${plan.headers[ReplayHeader.dlqOffset]}`, '2:7');
    assert.equal(plan.headers[ReplayHeader.patched], 'false');
    assert.deepEqual(
      Object.keys(plan.headers).filter((k) => k.startsWith('airlock-error-')),
      [],
    );
    assert.equal(plan.patch, null);
    assert.equal(plan.check.pass, false);
    if (!plan.check.pass)
      assert.deepEqual(
        plan.check.reasons.map((r) => r.rule),
        ['TRACE-DATE-1'],
      );
  });

  it('corrected with a merge patch: it would pass and be routed; the patch is recorded', () => {
    const e = rejectedEntry();
    const patch = { installation_date: '2025-03-01T10:00:00+01:00' };
    const plan = planReplay(e, body(e), new Map(), opts({ patch }), judge);
    assert.equal(plan.kind, 'ready');
    if (plan.kind !== 'ready') return;
    assert.equal(JSON.parse(plan.value.toString()).installation_date, patch.installation_date);
    assert.equal(plan.patch, JSON.stringify(patch));
    assert.equal(plan.headers[ReplayHeader.patched], 'true');
    // Keyed as the ingress keys it: by the part (issue #11).
    assert.deepEqual(plan.check, {
      pass: true,
      destinations: ['airlock.parts-trace.v1'],
      key: '2314567-3|SN12345K',
    });
  });

  it('never twice: an already replayed record is refused, unless forced with a reason', () => {
    const e = rejectedEntry();
    const index = new Map([
      [coordinates(e), [{ auditId: 'a', at: '2026-11-21T10:00:00.000Z', replayTraceId: 't' }]],
    ]);
    const refused = planReplay(e, body(e), index, opts(), judge);
    assert.equal(refused.kind, 'refused');
    if (refused.kind === 'refused') assert.equal(refused.code, 'ALREADY_REPLAYED');
    assert.equal(planReplay(e, body(e), index, opts({ forceReason: 'ledger lost it' }), judge).kind, 'ready');
  });

  it('the loop guard also counts earlier replays of the same DLQ record, forced or not', () => {
    const e = rejectedEntry();
    const twice = [
      { auditId: 'a', at: '2026-11-21T10:00:00.000Z', replayTraceId: 't1' },
      { auditId: 'b', at: '2026-11-21T11:00:00.000Z', replayTraceId: 't2' },
    ];
    const third = planReplay(
      e,
      body(e),
      new Map([[coordinates(e), twice]]),
      opts({ forceReason: 'again' }),
      judge,
    );
    assert.equal(third.kind === 'ready' && third.headers[ReplayHeader.count], '3');
    const fourth = planReplay(
      e,
      body(e),
      new Map([
        [coordinates(e), [...twice, { auditId: 'c', at: '2026-11-21T12:00:00.000Z', replayTraceId: 't3' }]],
      ]),
      opts({ forceReason: 'again' }),
      judge,
    );
    assert.deepEqual([fourth.kind, fourth.kind === 'refused' ? fourth.code : ''], ['refused', 'LOOP_GUARD']);
  });

  it('the loop guard counts replays across cycles, and --force does not lift it', () => {
    const replayOfReplay = rejectedEntry(undefined, {
      [ReplayHeader.count]: '3',
      [ReplayHeader.originalTraceId]: 'first-trace',
      [ReplayHeader.dlqPartition]: '0',
      [ReplayHeader.dlqOffset]: '3',
    });
    assert.equal(replayOfReplay.replayOf?.count, 3);
    const plan = planReplay(
      replayOfReplay,
      body(replayOfReplay),
      new Map(),
      opts({ forceReason: 'x' }),
      judge,
    );
    assert.deepEqual([plan.kind, plan.kind === 'refused' ? plan.code : ''], ['refused', 'LOOP_GUARD']);
    const second = rejectedEntry(undefined, {
      [ReplayHeader.count]: '1',
      [ReplayHeader.originalTraceId]: 'first-trace',
    });
    const ok = planReplay(second, body(second), new Map(), opts(), judge);
    assert.equal(ok.kind, 'ready');
    if (ok.kind === 'ready') {
      assert.equal(ok.headers[ReplayHeader.count], '2');
      assert.equal(ok.originalTraceId, 'first-trace', 'the first trace id travels through every cycle');
    }
  });

  it('a body that is not JSON needs a whole body from the patch', () => {
    const e = { ...rejectedEntry(), value: Buffer.from('not json') };
    const refused = planReplay(e, undefined, new Map(), opts(), judge);
    assert.deepEqual([refused.kind, refused.kind === 'refused' ? refused.code : ''], ['refused', 'NO_BODY']);
    const whole = { ...sampleRecord(), aircraft_registration: 'D-AIBL' };
    const plan = planReplay(e, undefined, new Map(), opts({ patch: whole }), judge);
    assert.equal(plan.kind === 'ready' && plan.check.pass, true);
  });

  it('the outcome is read from the replay’s status timeline', () => {
    assert.equal(outcomeOf([{ stage: 'validators', state: 'validated', at: '1' }]), undefined);
    assert.deepEqual(outcomeOf([{ stage: 'router', state: 'routed', at: '1', topics: ['t'] }]), {
      state: 'routed',
      topics: ['t'],
      code: null,
      rule_ids: [],
    });
    assert.deepEqual(
      outcomeOf([
        { stage: 'validators', state: 'rejected', at: '1', code: 'RULE_VIOLATION', rules: ['SN-1'] },
      ]),
      {
        state: 'rejected',
        topics: [],
        code: 'RULE_VIOLATION',
        rule_ids: ['SN-1'],
      },
    );
  });
});

describe('airlock-dlq command line', () => {
  const env = { AIRLOCK_KAFKA_BROKERS: '127.0.0.1:1', AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:1' };
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const io: Io = {
      out: (t) => {
        out += `${t}\n`;
      },
      err: (t) => {
        err += t;
      },
      tty: false,
      signal: new AbortController().signal,
    };
    const status = await runCli(argv, env, io);
    return { status, out, err };
  };

  it('--help on every command', async () => {
    for (const cmd of ['list', 'show', 'stats', 'replay']) {
      const r = await run(cmd, '--help');
      assert.equal(r.status, EXIT.ok);
      assert.match(r.out, new RegExp(`Usage: airlock-dlq ${cmd}`));
    }
    assert.match((await run()).out, /Commands:/);
  });

  it('usage errors are answered before any connection (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['nope'], /unknown command/],
      [['replay', '0:1'], /--reason is mandatory/],
      [['replay', '--reason', 'x'], /give references .* or at least one filter/],
      [['replay', '0:1', '--rule', 'SN-1', '--reason', 'x'], /references or filters, not both/],
      [['replay', '0:1', '--reason', 'x', '--force'], /--force and --force-reason go together/],
      [['replay', '0:1', '--reason', 'x', '--force-reason', 'why'], /--force and --force-reason go together/],
      [['replay', '0:1', '--reason', 'x', '--force', '--force-reason', '  '], /--force-reason must say why/],
      [['replay', '0:1', '--reason', 'x', '--rate', '100000'], /above the cap AIRLOCK_DLQ_MAX_RATE/],
      [['replay', 'zero', '--reason', 'x'], /not a DLQ reference/],
      [['list', '--since', 'yesterday'], /not a time/],
      [['list', '--limit', '0'], /--limit must be a positive integer/],
      [['list', '--bogus'], /bogus/],
      [['show'], /show takes one reference/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.status, EXIT.usage, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, message, argv.join(' '));
    }
  });

  it('a bad configuration is reported, not thrown (exit 1)', async () => {
    let err = '';
    const status = await runCli(
      ['list'],
      { AIRLOCK_DLQ_MAX_REPLAYS: 'many' },
      {
        out: () => undefined,
        err: (t) => {
          err += t;
        },
        tty: false,
        signal: new AbortController().signal,
      },
    );
    assert.equal(status, EXIT.failed);
    assert.match(err, /AIRLOCK_DLQ_MAX_REPLAYS/);
  });

  it('times: RFC 3339 or a duration ago', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    assert.equal(parseTime('24h', now).toISOString(), '2026-11-20T12:00:00.000Z');
    assert.equal(parseTime('90m', now).toISOString(), '2026-11-21T10:30:00.000Z');
    assert.equal(parseTime('2026-11-01T00:00:00Z').toISOString(), '2026-11-01T00:00:00.000Z');
    assert.throws(() => parseTime('1 week'));
  });

  it('tables align columns', () => {
    assert.equal(table(['A', 'BB'], [['xxx', 'y']]), 'A    BB\nxxx  y');
  });
});

describe('dry run against the current history (issue #11)', () => {
  const withHistory = (stores: Record<string, Record<string, unknown>> = {}) =>
    judgeWith(
      contracts,
      () => DEFAULT_RULE_PARAMS,
      parseRoutingTable(defaultRoutingSpec(), config, contracts),
      () => new Date('2026-11-21T12:00:00Z'),
      undefined,
      { read: { get: (s, k) => stores[s]?.[k] }, idempotencyWindowMs: 86_400_000 },
    );
  const part = (status: string, at: string) => {
    const m = edgeMessage(
      { ...sampleInstallation(), installation_status: status, installation_date: at },
      'D-AIBL',
      crypto.randomUUID(),
    );
    return [Buffer.from(m.value), m.headers] as const;
  };

  it('judges a replay by the history rules: a removal of a part never installed would fail', () => {
    const check = withHistory()(...part('removed', '2025-03-02T10:00:00Z'));
    assert.ok(!check.pass);
    assert.deepEqual(
      check.reasons.map((r) => r.rule),
      ['TRACE-SEQ-1'],
    );
  });

  it('judges the records of one run in order, each over what the passing ones before it change', () => {
    const judgeRun = withHistory();
    assert.ok(judgeRun(...part('installed', '2025-03-01T10:00:00+01:00')).pass);
    assert.ok(judgeRun(...part('removed', '2025-03-02T10:00:00Z')).pass);
    const again = judgeRun(...part('removed', '2025-03-03T10:00:00Z'));
    assert.ok(!again.pass && again.reasons[0]?.rule === 'TRACE-SEQ-1');
  });

  it('a retry of a record already validated would be dropped: DUPLICATE, naming the first', () => {
    const [value, headers] = part('inspected', '2025-03-01T10:00:00Z');
    const keyed = { ...headers, 'airlock-idempotency-key': 'k-1', 'airlock-idempotency-index': '0' };
    const pair = `${headers['airlock-subject']}|k-1|0`;
    const check = withHistory({
      idempotency: { [pair]: { trace_id: 'first', at: new Date().toISOString() } },
    })(value, { ...keyed, 'airlock-received-at': new Date().toISOString() });
    assert.ok(!check.pass);
    assert.equal(check.code, 'DUPLICATE');
    assert.match(check.reasons[0]?.message ?? '', /first/);
  });
});
