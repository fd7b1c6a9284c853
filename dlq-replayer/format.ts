/** airlock-dlq: tables, the progress bar, and DLQ entries as people and scripts see them. */

import type { DlqEntry } from './entry.ts';
import type { Io } from './io.ts';
import type { ReplayAudit } from './kafka-io.ts';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function progressBar(io: Io, label: string): (done: number, total: number) => void {
  if (!io.tty) return () => undefined;
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    io.err(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`,
    );
  };
}

export function summaryRow(e: DlqEntry, replays: number): string[] {
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
export const SUMMARY_HEADER = [
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

export function entryJson(e: DlqEntry, body: unknown, audits: readonly ReplayAudit[]) {
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
