/**
 * `airlock-dlq`: compliance staff list, show, count and replay rejected records (docs/dlq.md).
 * Tables for people, `--json` for scripts, a progress bar on stderr when it is a terminal. The
 * environment is the pipeline's (AIRLOCK_*); secrets come from files, never from the command line.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { type Config, ConfigError, loadConfig } from '../core/config.ts';
import { loadContract } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import { createKafka } from '../core/kafka.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { followReferenceData } from '../core/refdata/follow.ts';
import { refTopics } from '../core/refdata/kinds.ts';
import { createRegistry, type SchemaRegistry } from '../core/registry.ts';
import { ruleSettings } from '../core/rules/settings.ts';
import { createLocalStore } from '../core/state/local.ts';
import { createRedisStore } from '../core/state/redis.ts';
import { statusStoreFor } from '../core/status/redis.ts';
import { provisionTopics } from '../core/topics.ts';
import { defaultRoutingSpec, parseRoutingTable } from '../router/routing.ts';
import { type DlqEntry, type EntryFilter, matches, newestFirst, parseRef, stats } from './entry.ts';
import { connectReplayer, outcomeOf, type ReadyPlan } from './execute.ts';
import {
  originalBody,
  type ReplayAudit,
  readAudits,
  readDlq,
  registerAuditSchema,
  replayIndex,
} from './kafka-io.ts';
import { verifyOperator } from './operator.ts';
import { coordinates, judgeWith, type Plan, planReplay } from './plan.ts';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: a progress bar is drawn there. */
  tty: boolean;
  /** Aborted on SIGINT/SIGTERM: a replay stops cleanly between two chunks. */
  signal: AbortSignal;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, incomplete: 4, cancelled: 130 } as const;

const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  route: { type: 'string' },
  stage: { type: 'string' },
  code: { type: 'string' },
  rule: { type: 'string' },
  registration: { type: 'string' },
  'work-order': { type: 'string' },
  sender: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const FILTER_HELP = `Filters:
  --since TIME          rejected at or after TIME (RFC 3339, or 90m, 24h, 7d ago)
  --until TIME          rejected before TIME
  --route NAME          logbook, parts-trace or compliance-audit
  --stage NAME          validators or router
  --code CODE           error code (docs/errors.md), e.g. RULE_VIOLATION
  --rule ID             rule id (docs/rules.md), e.g. SN-1
  --registration REG    aircraft registration, e.g. D-AIBL
  --work-order UUID     work order id of the maintenance context
  --sender SUBJECT      token subject of the sender
  --json                JSON for scripts instead of a table`;

const HELP: Record<string, string> = {
  main: `airlock-dlq — inspect, correct and replay rejected maintenance records

Usage: airlock-dlq <command> [options]    (airlock-dlq <command> --help for each)

Commands:
  list     rejected records, newest first, filtered and paged
  show     one rejected record whole: body, context, sender, reasons, earlier replays
  stats    counts by rule, error code, route, stage, day and sender
  replay   re-check (dry run, the default) or replay (--execute) rejected records, audited

Configuration: the pipeline's AIRLOCK_* environment (docs/configuration.md).
Exit status: 0 done; 1 failed; 2 usage; 3 operator refused; 4 some records not replayed; 130 cancelled.`,
  list: `Usage: airlock-dlq list [filters] [--limit N] [--page N]

Rejected records, newest first: REF (partition:offset, what show and replay take), when, stage,
code, rule ids, route, registration, work order, sender, and how often it was replayed.

  --limit N             records per page (default 50)
  --page N              page number, from 1 (default 1)
${FILTER_HELP}`,
  show: `Usage: airlock-dlq show <ref> [--json]

One rejected record whole: its DLQ coordinates, the original body, the decoded maintenance
context, the sender's identity, every reason (rule id, JSON pointer, message), and its replays.`,
  stats: `Usage: airlock-dlq stats [filters]

Counts of rejected records by rule id, error code, route, stage, day and sender.
${FILTER_HELP}`,
  replay: `Usage: airlock-dlq replay (<ref>... | [filters]) --reason TEXT --token-file FILE [options]

Re-checks each selected record against today's schemas, rules and routing table and reports
which would now pass and which would fail again, and why (a dry run: nothing is published).
With --execute, the records that pass are published again on the ingress topic with
airlock-source: replay and airlock-replay-* headers, and go through validation again; every replay
is written to the replay-audit topic in the same transaction. Run the same command again after
an interruption: what was replayed is refused as already replayed, the rest goes on.

  --reason TEXT         why (mandatory; recorded in the audit and the record's headers)
  --token-file FILE     the operator's access token (role compliance_auditor); - reads stdin
  --cert FILE, --key FILE
                        the operator's client certificate and key (PEM), when the token is
                        bound to a certificate (cnf); the key proves possession
  --execute             publish; without it, a dry run
  --patch FILE          a JSON Merge Patch (RFC 7396) applied to every selected record's body
  --patch-map FILE      a JSON object {"<ref>": <merge patch>, ...}: one patch per record
  --force               replay records already replayed (needs --force-reason)
  --force-reason TEXT   why they are replayed again
  --rate N              records per second (default and maximum: AIRLOCK_DLQ_MAX_RATE)
  --no-wait             do not wait for the pipeline's verdict (AIRLOCK_DLQ_OUTCOME_WAIT_MS)
${FILTER_HELP}`,
};

class UsageError extends Error {}

/** RFC 3339, or a duration ago: 90m, 24h, 7d. */
export function parseTime(text: string, now = Date.now()): Date {
  const rel = /^(\d+)([smhd])$/.exec(text);
  if (rel?.[1] && rel[2]) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2]] ?? 0;
    return new Date(now - Number(rel[1]) * unit);
  }
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t)) {
    throw new UsageError(`not a time: "${text}" (RFC 3339, or 90m, 24h, 7d)`);
  }
  return new Date(t);
}

function filterFrom(v: Record<string, unknown>): EntryFilter {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const since = s('since');
  const until = s('until');
  return {
    since: since === undefined ? undefined : parseTime(since),
    until: until === undefined ? undefined : parseTime(until),
    route: s('route'),
    stage: s('stage'),
    code: s('code'),
    rule: s('rule'),
    registration: s('registration'),
    workOrder: s('work-order'),
    sender: s('sender'),
  };
}

const hasFilter = (f: EntryFilter) => Object.values(f).some((x) => x !== undefined);

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive integer`);
  return Number(text);
}

/** Plain-text table: columns as wide as their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function progressBar(io: Io, label: string): (done: number, total: number) => void {
  if (!io.tty) return () => undefined;
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    io.err(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`,
    );
  };
}

function readSecretFile(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${what} ${path} is not a readable JSON file (${(err as Error).message})`);
  }
}

interface Context {
  config: Config;
  logger: Logger;
  kafka: Kafka;
  registry: SchemaRegistry;
  io: Io;
  /** Creates Airlock's topics where missing (once), before the first read or write. */
  ready: () => Promise<void>;
}

async function entriesFor(ctx: Context, filter: EntryFilter, label = 'reading DLQ'): Promise<DlqEntry[]> {
  await ctx.ready();
  const all = await readDlq(ctx.kafka, ctx.config.topics.dlq, {
    ...(filter.since ? { sinceMs: filter.since.getTime() } : {}),
    onProgress: progressBar(ctx.io, label),
  });
  return all.filter((e) => matches(e, filter)).sort(newestFirst);
}

async function auditsFor(ctx: Context): Promise<ReplayAudit[]> {
  await ctx.ready();
  return readAudits(ctx.kafka, ctx.registry, ctx.config.topics.replayAudit);
}

function summaryRow(e: DlqEntry, replays: number): string[] {
  return [
    e.ref,
    e.rejectedAt.replace(/\.\d{3}Z$/, 'Z'),
    e.stage,
    e.code,
    e.ruleIds.join(','),
    e.route,
    e.context?.aircraft_registration ?? '',
    e.context?.work_order_id ?? '',
    e.sender.subject,
    String(replays),
  ];
}
const SUMMARY_HEADER = [
  'REF',
  'REJECTED AT',
  'STAGE',
  'CODE',
  'RULES',
  'ROUTE',
  'REGISTRATION',
  'WORK ORDER',
  'SENDER',
  'REPLAYS',
];

function entryJson(e: DlqEntry, body: unknown, audits: readonly ReplayAudit[]) {
  return {
    ref: e.ref,
    dlq: { topic: e.topic, partition: e.partition, offset: e.offset },
    rejected_at: e.rejectedAt,
    trace_id: e.traceId,
    route: e.route,
    stage: e.stage,
    code: e.code,
    rule_ids: e.ruleIds,
    reasons: e.reasons,
    received_at: e.receivedAt,
    source: e.source,
    sender: e.sender,
    maintenance_context: e.context ?? null,
    origin: e.origin,
    replay_of: e.replayOf ?? null,
    body: body ?? null,
    replays: audits.map((a) => ({
      event: a.event,
      at: new Date(Number(a.at)).toISOString(),
      audit_id: a.audit_id,
      by: a.operator.subject,
      reason: a.reason,
      replay_trace_id: a.replay_trace_id,
      patched: a.patch !== null,
      outcome: a.outcome,
    })),
  };
}

async function list(ctx: Context, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...FILTER_OPTIONS, limit: { type: 'string' }, page: { type: 'string' } },
    strict: true,
  });
  if (values.help) return help(ctx.io, 'list');
  const limit = positiveInt(values.limit, '--limit', 50);
  const page = positiveInt(values.page, '--page', 1);
  const entries = await entriesFor(ctx, filterFrom(values));
  const index = replayIndex(await auditsFor(ctx));
  const shown = entries.slice((page - 1) * limit, page * limit);
  if (values.json) {
    ctx.io.out(
      JSON.stringify({
        total: entries.length,
        page,
        limit,
        records: shown.map((e) => ({
          ...entryJson(e, undefined, []),
          body: undefined,
          replays: index.get(coordinates(e))?.length ?? 0,
        })),
      }),
    );
    return EXIT.ok;
  }
  ctx.io.out(
    table(
      SUMMARY_HEADER,
      shown.map((e) => summaryRow(e, index.get(coordinates(e))?.length ?? 0)),
    ),
  );
  const pages = Math.max(1, Math.ceil(entries.length / limit));
  ctx.io.out(`${entries.length} rejected record(s); page ${page} of ${pages}`);
  return EXIT.ok;
}

function findRef(entries: readonly DlqEntry[], ref: string): DlqEntry {
  const parsed = parseRef(ref);
  if (!parsed)
    throw new UsageError(`not a DLQ reference: "${ref}" (expected <partition>:<offset>, as list shows)`);
  const e = entries.find((x) => x.partition === parsed.partition && x.offset === parsed.offset);
  if (!e) throw new AirlockError('NOT_FOUND', `no DLQ record ${ref}`);
  return e;
}

async function show(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: FILTER_OPTIONS.json, help: FILTER_OPTIONS.help },
    allowPositionals: true,
  });
  if (values.help) return help(ctx.io, 'show');
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError('show takes one reference, e.g. 0:42');
  const e = findRef(await entriesFor(ctx, {}), positionals[0]);
  const audits = (await auditsFor(ctx)).filter(
    (a) => `${a.dlq.topic}:${a.dlq.partition}:${a.dlq.offset}` === coordinates(e),
  );
  const body = await originalBody(e, ctx.registry).catch(() => undefined);
  const j = entryJson(e, body, audits);
  if (values.json) {
    ctx.io.out(JSON.stringify(j));
    return EXIT.ok;
  }
  const lines = [
    `DLQ record ${e.ref}  (${e.topic}, partition ${e.partition}, offset ${e.offset})`,
    `  rejected at     ${e.rejectedAt} by ${e.stage}: ${e.code}`,
    `  trace id        ${e.traceId}`,
    `  route           ${e.route}`,
    `  received at     ${e.receivedAt} (source ${e.source})`,
    `  sender          ${e.sender.subject} (role ${e.sender.role})${e.sender.clientCertSha256 ? `, certificate ${e.sender.clientCertSha256}` : ''}`,
    `  work order      ${e.context?.work_order_id ?? '(none)'}`,
    `  registration    ${e.context?.aircraft_registration ?? '(none)'}`,
    `  technician      ${e.context?.technician_badge_hash ?? '(none)'} (badge hash)`,
    `  came from       ${e.origin.topic} partition ${e.origin.partition} offset ${e.origin.offset}`,
  ];
  if (e.replayOf) {
    lines.push(
      `  a replay        #${e.replayOf.count} of trace ${e.replayOf.originalTraceId} (DLQ ${e.replayOf.dlqRef}, by ${e.replayOf.by})`,
    );
  }
  lines.push('', 'Reasons:');
  lines.push(
    table(
      ['RULE', 'CODE', 'PATH', 'MESSAGE'],
      e.reasons.map((r) => [r.rule, r.code, r.path || '/', r.message]),
    ),
  );
  lines.push('', 'Body:', body === undefined ? '  (not JSON)' : JSON.stringify(body, null, 2));
  lines.push('', audits.length === 0 ? 'Replays: none' : 'Replays:');
  for (const a of j.replays) {
    lines.push(
      `  ${a.at}  ${a.event}  by ${a.by}  as ${a.replay_trace_id}${a.patched ? '  (patched)' : ''}  reason: ${a.reason}${a.outcome ? `  outcome: ${a.outcome.state}${a.outcome.code ? ` ${a.outcome.code}` : ''}${a.outcome.topics.length ? ` → ${a.outcome.topics.join(', ')}` : ''}` : ''}`,
    );
  }
  ctx.io.out(lines.join('\n'));
  return EXIT.ok;
}

async function statsCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: FILTER_OPTIONS, strict: true });
  if (values.help) return help(ctx.io, 'stats');
  const s = stats(await entriesFor(ctx, filterFrom(values)));
  if (values.json) {
    ctx.io.out(JSON.stringify(s));
    return EXIT.ok;
  }
  const section = (title: string, m: Record<string, number>) =>
    `${title}\n${table(
      ['', 'COUNT'],
      Object.entries(m)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => [`  ${k}`, String(n)]),
    )}`;
  ctx.io.out(
    [
      `${s.total} rejected record(s)`,
      section('By rule', s.byRule),
      section('By error code', s.byCode),
      section('By route', s.byRoute),
      section('By stage', s.byStage),
      section('By day (UTC)', s.byDay),
      section('By sender', s.bySender),
    ].join('\n\n'),
  );
  return EXIT.ok;
}

function stateStoreFor(config: Config) {
  return config.redis.url
    ? createRedisStore(config.redis.url, config.redis.commandTimeoutMs, config.redis.keyPrefix)
    : createLocalStore();
}

async function replay(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...FILTER_OPTIONS,
      reason: { type: 'string' },
      'token-file': { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      execute: { type: 'boolean', default: false },
      patch: { type: 'string' },
      'patch-map': { type: 'string' },
      force: { type: 'boolean', default: false },
      'force-reason': { type: 'string' },
      rate: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
    },
  });
  if (values.help) return help(ctx.io, 'replay');
  const { config, io } = ctx;
  const reason = values.reason?.trim();
  if (!reason) throw new UsageError('--reason is mandatory: say why these records are replayed');
  if (reason.length > 1000) throw new UsageError('--reason is limited to 1000 characters');
  const givenForceReason = values['force-reason']?.trim();
  if (values.force !== (givenForceReason !== undefined)) {
    throw new UsageError('--force and --force-reason go together');
  }
  if (values.force && !givenForceReason) throw new UsageError('--force-reason must say why');
  const forceReason = values.force ? givenForceReason : undefined;
  if (values.patch && values['patch-map']) throw new UsageError('--patch or --patch-map, not both');
  if ((values.cert === undefined) !== (values.key === undefined))
    throw new UsageError('--cert and --key go together');
  const rate = positiveInt(values.rate, '--rate', config.dlq.maxRatePerSecond);
  if (rate > config.dlq.maxRatePerSecond) {
    throw new UsageError(
      `--rate ${rate} is above the cap AIRLOCK_DLQ_MAX_RATE=${config.dlq.maxRatePerSecond}`,
    );
  }
  const filter = filterFrom(values);
  if (positionals.length === 0 && !hasFilter(filter)) {
    throw new UsageError('select records: give references (e.g. 0:42) or at least one filter');
  }
  if (positionals.length > 0 && hasFilter(filter)) throw new UsageError('references or filters, not both');
  for (const ref of positionals) if (!parseRef(ref)) throw new UsageError(`not a DLQ reference: "${ref}"`);
  const patchAll = values.patch ? readJsonFile(values.patch, '--patch') : undefined;
  const patchMap = values['patch-map'] ? readJsonFile(values['patch-map'], '--patch-map') : undefined;
  if (
    patchMap !== undefined &&
    (typeof patchMap !== 'object' || patchMap === null || Array.isArray(patchMap))
  ) {
    throw new UsageError('--patch-map must hold a JSON object keyed by reference');
  }
  // Patch-map keys are references like any other (00:42 is 0:42); one that is not is an error.
  const patchByRef = new Map<string, unknown>();
  for (const [k, v] of Object.entries((patchMap ?? {}) as Record<string, unknown>)) {
    const ref = parseRef(k);
    if (!ref) throw new UsageError(`--patch-map: "${k}" is not a DLQ reference`);
    patchByRef.set(`${ref.partition}:${ref.offset}`, v);
  }

  // The operator first: nothing is read or published for an operator who may not replay.
  const store = stateStoreFor(config);
  let operator: Awaited<ReturnType<typeof verifyOperator>>;
  try {
    if (store.kind === 'redis') await store.connect();
    operator = await verifyOperator(config, store, {
      token: values['token-file'] ? readSecretFile(values['token-file']) : undefined,
      certPem: values.cert ? readFileSync(values.cert, 'utf8') : undefined,
      keyPem: values.key ? readFileSync(values.key, 'utf8') : undefined,
    });
  } finally {
    await store.close();
  }

  const contracts = loadContract();
  const settings = ruleSettings(config, ctx.logger);
  const rules = settings.current();
  settings.close();
  const tableSpec: unknown = config.router.tableFile
    ? JSON.parse(readFileSync(config.router.tableFile, 'utf8'))
    : defaultRoutingSpec();
  await ctx.ready();
  // Today's reference data too, as the validators will judge the replays against it.
  const reference =
    rules.referenceData === 'enforce'
      ? await followReferenceData(ctx.kafka, refTopics(config.topics), ctx.logger)
      : undefined;
  await reference?.caughtUp;
  const judge = judgeWith(
    contracts,
    () => rules,
    parseRoutingTable(tableSpec, config, contracts),
    () => new Date(),
    reference?.data,
  );

  const status = statusStoreFor(config, (err) => io.err(`status write failed: ${String(err)}\n`));
  const replayer = values.execute
    ? await connectReplayer({
        kafka: ctx.kafka,
        registry: ctx.registry,
        config,
        status,
        auditSchemaId: await registerAuditSchema(ctx.registry, config.topics.replayAudit),
      })
    : undefined;
  try {
    // Read after connecting the replayer (which fences any other): the index is then complete.
    const entries = await entriesFor(ctx, positionals.length > 0 ? {} : filter, 'selecting');
    // Each DLQ record once, however often (or however spelt: 0:42, 00:42) it was named.
    const selected = [
      ...new Map(
        (positionals.length > 0 ? positionals.map((r) => findRef(entries, r)) : entries).map((e) => [
          coordinates(e),
          e,
        ]),
      ).values(),
    ];
    const index = replayIndex(await auditsFor(ctx));
    const plans: Plan[] = [];
    for (const e of selected) {
      const patch = patchMap ? patchByRef.get(e.ref) : patchAll;
      const body = await originalBody(e, ctx.registry).catch(() => undefined);
      plans.push(
        planReplay(
          e,
          body,
          index,
          {
            operator,
            reason,
            forceReason,
            maxReplays: config.dlq.maxReplays,
            ...(patch === undefined ? {} : { patch }),
            now: new Date(),
          },
          judge,
        ),
      );
    }
    const ready = plans.filter((p): p is ReadyPlan => p.kind === 'ready' && p.check.pass);
    let published: ReadyPlan[] = [];
    let outcomes = new Map<string, ReplayAudit['outcome']>();
    if (replayer) {
      published = await replayer.replay(ready, {
        operator,
        reason,
        forceReason,
        ratePerSecond: rate,
        signal: io.signal,
        onProgress: progressBar(io, 'replaying'),
      });
      if (!values['no-wait'] && config.dlq.outcomeWaitMs > 0 && published.length > 0 && !io.signal.aborted) {
        outcomes = await waitForOutcomes(status, published, config.dlq.outcomeWaitMs, io.signal);
        await replayer.recordOutcomes(
          published.map((plan) => ({ plan, audit: outcomes.get(plan.traceId) ?? unknownOutcome })),
          operator,
          reason,
        );
      }
    }
    report(io, values.json, plans, published, outcomes, Boolean(replayer));
    if (io.signal.aborted) {
      io.err(
        `cancelled after ${published.length} of ${ready.length}; run the same command again to resume\n`,
      );
      return EXIT.cancelled;
    }
    if (!replayer) return EXIT.ok;
    return published.length === plans.length ? EXIT.ok : EXIT.incomplete;
  } finally {
    await replayer?.close();
    await reference?.stop();
    await status.close();
  }
}

const unknownOutcome: ReplayAudit['outcome'] = { state: 'unknown', topics: [], code: null, rule_ids: [] };

async function waitForOutcomes(
  status: ReturnType<typeof statusStoreFor>,
  plans: readonly ReadyPlan[],
  waitMs: number,
  signal: AbortSignal,
): Promise<Map<string, ReplayAudit['outcome']>> {
  const out = new Map<string, ReplayAudit['outcome']>();
  const deadline = Date.now() + waitMs;
  while (out.size < plans.length && Date.now() < deadline && !signal.aborted) {
    for (const p of plans) {
      if (out.has(p.traceId)) continue;
      const timeline = await status.read(p.traceId).catch(() => undefined);
      const o = timeline ? outcomeOf(timeline.events) : undefined;
      if (o) out.set(p.traceId, o);
    }
    if (out.size < plans.length) await new Promise((r) => setTimeout(r, 250));
  }
  return out;
}

function report(
  io: Io,
  json: boolean | undefined,
  plans: readonly Plan[],
  published: readonly ReadyPlan[],
  outcomes: ReadonlyMap<string, ReplayAudit['outcome']>,
  executed: boolean,
): void {
  const done = new Set(published.map((p) => p.entry.ref));
  const rows = plans.map((p) => {
    if (p.kind === 'refused') return { ref: p.entry.ref, result: 'refused', code: p.code, detail: p.message };
    if (!p.check.pass) {
      return {
        ref: p.entry.ref,
        result: 'would fail',
        code: p.check.code,
        detail: p.check.reasons.map((r) => `${r.rule} ${r.path || '/'}: ${r.message}`).join('; '),
        reasons: p.check.reasons,
      };
    }
    const outcome = outcomes.get(p.traceId);
    return {
      ref: p.entry.ref,
      result: executed ? (done.has(p.entry.ref) ? 'replayed' : 'not replayed (cancelled)') : 'would pass',
      code: '',
      detail: `→ ${p.check.destinations.join(', ')}${executed && done.has(p.entry.ref) ? ` as ${p.traceId}` : ''}${outcome ? ` (outcome: ${outcome.state}${outcome.code ? ` ${outcome.code}` : ''})` : ''}`,
      trace_id: executed && done.has(p.entry.ref) ? p.traceId : undefined,
      patched: p.patch !== null,
      outcome: outcome ?? null,
    };
  });
  if (json) {
    io.out(JSON.stringify({ executed, replayed: published.length, selected: plans.length, results: rows }));
    return;
  }
  io.out(
    table(
      ['REF', 'RESULT', 'CODE', 'DETAIL'],
      rows.map((r) => [r.ref, r.result, r.code, r.detail]),
    ),
  );
  const pass = plans.filter((p) => p.kind === 'ready' && p.check.pass).length;
  io.out(
    executed
      ? `${published.length} of ${plans.length} selected record(s) replayed`
      : `dry run: ${pass} of ${plans.length} selected record(s) would pass today; nothing was published (--execute to replay)`,
  );
}

function help(io: Io, topic: string): number {
  io.out(HELP[topic] ?? HELP.main ?? '');
  return EXIT.ok;
}

const COMMANDS: Record<string, (ctx: Context, args: string[]) => Promise<number>> = {
  list,
  show,
  stats: statsCommand,
  replay,
};

/** Runs one command; resolves to the exit status. Never throws. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return help(io, 'main');
  const run = COMMANDS[command];
  if (!run) {
    io.err(`unknown command "${command}"\n\n${HELP.main}\n`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) return help(io, command);
  let config: Config;
  try {
    config = loadConfig(env, 'tool');
  } catch (err) {
    io.err(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
  // kafkajs and library warnings go to stderr as JSON lines, away from the tool's output.
  const logger = createLogger(
    { log: { level: config.log.level === 'info' ? 'warn' : config.log.level } },
    'dlq-replayer',
    2,
  );
  const kafka = createKafka(config, logger, 'dlq-replayer');
  const registry = createRegistry(config);
  let provisioned: Promise<void> | undefined;
  const ready = () => {
    provisioned ??= (async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await provisionTopics(admin, config, logger);
      } finally {
        await admin.disconnect();
      }
    })();
    return provisioned;
  };
  try {
    return await run({ config, logger, kafka, registry, io, ready }, args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n(airlock-dlq ${command} --help)\n`);
      return EXIT.usage;
    }
    if (err instanceof AirlockError) {
      io.err(`${err.code}: ${err.message}\n`);
      return ['UNAUTHENTICATED', 'ROLE_FORBIDDEN', 'CLIENT_CERT_NOT_ALLOWED'].includes(err.code)
        ? EXIT.refused
        : EXIT.failed;
    }
    io.err(`failed: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.failed;
  }
}
