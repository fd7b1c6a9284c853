/**
 * airlock-dlq replay: a dry run against today's rules by default, or --execute: published and
 * audited in Kafka transactions (docs/dlq.md, ADR 0006).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadContract } from '../core/contract.ts';
import { followCompacted } from '../core/kafka/compacted-follower.ts';
import { statusStoreFor } from '../core/record-status/redis.ts';
import { stateStoreFor } from '../core/store/redis.ts';
import { createTracing } from '../core/telemetry/tracing.ts';
import { defaultRoutingSpec, parseRoutingTable } from '../router/table.ts';
import { REFERENCE_FOLLOWER, referenceView, refTopics } from '../rules/refdata.ts';
import { ruleSettings } from '../rules/settings.ts';
import {
  auditsFor,
  type Context,
  EXIT,
  entriesFor,
  FILTER_OPTIONS,
  filterFrom,
  findRef,
  hasFilter,
  positiveInt,
  readJsonFile,
  readSecretFile,
  UsageError,
} from './common.ts';
import { parseRef } from './entry.ts';
import { connectReplayer, outcomeOf, type ReadyPlan } from './execute.ts';
import { progressBar, table } from './format.ts';
import { currentHistory } from './history.ts';
import type { Io } from './io.ts';
import { originalBody, type ReplayAudit, registerAuditSchema, replayIndex } from './kafka-io.ts';
import { verifyOperator } from './operator.ts';
import { coordinates, judgeWith, type Plan, planReplay } from './plan.ts';

export async function replay(ctx: Context, args: string[]): Promise<number> {
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
  const reference = rules.referenceData === 'enforce' ? referenceView(refTopics(config.topics)) : undefined;
  const follower = reference && (await followCompacted(ctx.kafka, reference, ctx.logger, REFERENCE_FOLLOWER));
  await follower?.caughtUp;
  // And the validators' history as it stands: the history rules judge the replays too (ADR 0008).
  const history = await currentHistory(ctx.kafka, config, ctx.logger);
  const judge = judgeWith(
    contracts,
    () => rules,
    parseRoutingTable(tableSpec, config, contracts),
    () => new Date(),
    reference?.data,
    history,
  );

  const status = statusStoreFor(config, (err) => io.err(`status write failed: ${String(err)}\n`));
  const replayer = values.execute
    ? await connectReplayer({
        kafka: ctx.kafka,
        registry: ctx.registry,
        config,
        status,
        auditSchemaId: await registerAuditSchema(ctx.registry, config.topics.replayAudit),
        tracing: createTracing(config.tracing, 'dlq-replayer'),
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
    await follower?.stop();
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
