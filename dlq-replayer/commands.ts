/** airlock-dlq list, show and stats: reading the DLQ (docs/dlq.md). */
import { parseArgs } from 'node:util';
import {
  auditsFor,
  type Context,
  EXIT,
  entriesFor,
  FILTER_OPTIONS,
  filterFrom,
  findRef,
  positiveInt,
  UsageError,
} from './common.ts';
import { stats } from './entry.ts';
import { entryJson, SUMMARY_HEADER, summaryRow, table } from './format.ts';
import { originalBody, replayIndex } from './kafka-io.ts';
import { coordinates } from './plan.ts';

export async function list(ctx: Context, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...FILTER_OPTIONS, limit: { type: 'string' }, page: { type: 'string' } },
    strict: true,
  });
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

export async function show(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: FILTER_OPTIONS.json, help: FILTER_OPTIONS.help },
    allowPositionals: true,
  });
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

export async function statsCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: FILTER_OPTIONS, strict: true });
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
