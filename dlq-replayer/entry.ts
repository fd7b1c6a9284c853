/**
 * A dead-letter record as compliance staff see it, read from its Kafka record without I/O: its
 * coordinates, its `airlock-error-*` reasons, the decoded maintenance context and sender, and its
 * replay lineage. Also the filters of `list`, the counts of `stats`, and JSON Merge Patch.
 * A record with damaged headers still becomes an entry (with what could be read): the tool must be
 * able to show every rejected record, above all the strange ones.
 */
import type { Reason } from '../core/errors.ts';
import { ErrorHeader, Header, type HeaderMap, ReplayHeader } from '../core/headers.ts';

export interface MaintenanceContextView {
  work_order_id?: string;
  aircraft_registration?: string;
  technician_badge_hash?: string;
}

export interface DlqEntry {
  /** `<partition>:<offset>`: how the tool names a DLQ record. */
  ref: string;
  topic: string;
  partition: number;
  offset: string;
  /** When the record was written to the DLQ (the Kafka record timestamp), RFC 3339. */
  rejectedAt: string;
  key: string | null;
  value: Buffer | null;
  headers: HeaderMap;
  traceId: string;
  route: string;
  stage: string;
  code: string;
  ruleIds: string[];
  reasons: Reason[];
  context: MaintenanceContextView | undefined;
  sender: { subject: string; role: string; clientCertSha256: string | undefined };
  receivedAt: string;
  source: string;
  origin: { topic: string; partition: string; offset: string };
  /** Set when this rejected record was itself a replay. */
  replayOf: { count: number; originalTraceId: string; dlqRef: string; by: string } | undefined;
}

export const refOf = (partition: number, offset: string) => `${partition}:${offset}`;

/** A Kafka timestamp (ms) as RFC 3339; '' when it is not a time a Date can hold. */
function isoTime(ms: string): string {
  const n = Number(ms);
  return Number.isFinite(n) && Math.abs(n) <= 8.64e15 ? new Date(n).toISOString() : '';
}

/** Parses `<partition>:<offset>`; undefined when it is not one. */
export function parseRef(ref: string): { partition: number; offset: string } | undefined {
  const m = /^(\d{1,9}):(\d{1,19})$/.exec(ref.trim());
  if (!m?.[1] || !m[2]) return undefined;
  return { partition: Number(m[1]), offset: String(BigInt(m[2])) };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function reasonsOf(h: HeaderMap): Reason[] {
  const parsed = parseJson(h[ErrorHeader.reasons]);
  if (!Array.isArray(parsed)) {
    const message = h[ErrorHeader.message];
    return message ? [{ code: 'INTERNAL', rule: h[ErrorHeader.ruleIds] ?? '', path: '', message }] : [];
  }
  return parsed.filter(isObject).map((r) => ({
    code: String(r.code ?? '') as Reason['code'],
    rule: String(r.rule ?? ''),
    path: String(r.path ?? ''),
    message: String(r.message ?? ''),
  }));
}

function contextOf(h: HeaderMap): MaintenanceContextView | undefined {
  const parsed = parseJson(h[Header.maintenanceContext]);
  if (!isObject(parsed)) return undefined;
  const pick = (k: string) => (typeof parsed[k] === 'string' ? (parsed[k] as string) : undefined);
  const out: MaintenanceContextView = {};
  const wo = pick('work_order_id');
  const reg = pick('aircraft_registration');
  const badge = pick('technician_badge_hash');
  if (wo !== undefined) out.work_order_id = wo;
  if (reg !== undefined) out.aircraft_registration = reg;
  if (badge !== undefined) out.technician_badge_hash = badge;
  return out;
}

export function toEntry(
  topic: string,
  partition: number,
  message: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null },
  headers: HeaderMap,
): DlqEntry {
  const h = headers;
  const count = Number(h[ReplayHeader.count] ?? '0');
  const replayed = Number.isInteger(count) && count > 0;
  return {
    ref: refOf(partition, message.offset),
    topic,
    partition,
    offset: message.offset,
    rejectedAt: isoTime(message.timestamp),
    key: message.key?.toString('utf8') ?? null,
    value: message.value,
    headers: h,
    traceId: h[Header.traceId] ?? '',
    route: h[Header.route] ?? '',
    stage: h[ErrorHeader.stage] ?? '',
    code: h[ErrorHeader.code] ?? '',
    ruleIds: (h[ErrorHeader.ruleIds] ?? '').split(',').filter((r) => r.length > 0),
    reasons: reasonsOf(h),
    context: contextOf(h),
    sender: {
      subject: h[Header.subject] ?? '',
      role: h[Header.role] ?? '',
      clientCertSha256: h[Header.clientCertSha256],
    },
    receivedAt: h[Header.receivedAt] ?? '',
    source: h[Header.source] ?? '',
    origin: {
      topic: h[ErrorHeader.originalTopic] ?? '',
      partition: h[ErrorHeader.originalPartition] ?? '',
      offset: h[ErrorHeader.originalOffset] ?? '',
    },
    replayOf: replayed
      ? {
          count,
          originalTraceId: h[ReplayHeader.originalTraceId] ?? '',
          dlqRef: `${h[ReplayHeader.dlqPartition] ?? '?'}:${h[ReplayHeader.dlqOffset] ?? '?'}`,
          by: h[ReplayHeader.by] ?? '',
        }
      : undefined,
  };
}

export interface EntryFilter {
  since?: Date | undefined;
  until?: Date | undefined;
  route?: string | undefined;
  stage?: string | undefined;
  code?: string | undefined;
  rule?: string | undefined;
  registration?: string | undefined;
  workOrder?: string | undefined;
  sender?: string | undefined;
}

export function matches(e: DlqEntry, f: EntryFilter): boolean {
  const at = Date.parse(e.rejectedAt);
  if (f.since && at < f.since.getTime()) return false;
  if (f.until && at >= f.until.getTime()) return false;
  if (f.route !== undefined && e.route !== f.route) return false;
  if (f.stage !== undefined && e.stage !== f.stage) return false;
  if (f.code !== undefined && e.code !== f.code) return false;
  if (f.rule !== undefined && !e.ruleIds.includes(f.rule)) return false;
  if (f.registration !== undefined && e.context?.aircraft_registration !== f.registration) return false;
  if (f.workOrder !== undefined && e.context?.work_order_id !== f.workOrder) return false;
  if (f.sender !== undefined && e.sender.subject !== f.sender) return false;
  return true;
}

/** Newest first; ties (same millisecond) by partition and offset, so paging is stable. */
export function newestFirst(a: DlqEntry, b: DlqEntry): number {
  return (
    b.rejectedAt.localeCompare(a.rejectedAt) ||
    a.partition - b.partition ||
    Number(BigInt(b.offset) - BigInt(a.offset))
  );
}

export interface Stats {
  total: number;
  byRule: Record<string, number>;
  byCode: Record<string, number>;
  byRoute: Record<string, number>;
  byStage: Record<string, number>;
  byDay: Record<string, number>;
  bySender: Record<string, number>;
}

export function stats(entries: Iterable<DlqEntry>): Stats {
  // Prototype-less maps: a sender or rule named "constructor" is a key like any other.
  const m = () => Object.create(null) as Record<string, number>;
  const s: Stats = {
    total: 0,
    byRule: m(),
    byCode: m(),
    byRoute: m(),
    byStage: m(),
    byDay: m(),
    bySender: m(),
  };
  const bump = (m: Record<string, number>, k: string) => {
    m[k || '(none)'] = (m[k || '(none)'] ?? 0) + 1;
  };
  for (const e of entries) {
    s.total += 1;
    for (const rule of e.ruleIds.length > 0 ? e.ruleIds : ['']) bump(s.byRule, rule);
    bump(s.byCode, e.code);
    bump(s.byRoute, e.route);
    bump(s.byStage, e.stage);
    bump(s.byDay, e.rejectedAt.slice(0, 10));
    bump(s.bySender, e.sender.subject);
  }
  return s;
}

/**
 * JSON Merge Patch (RFC 7396 §2): objects merge member by member, `null` deletes a member, anything
 * else (arrays included) replaces the target.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    // defineProperty, not assignment: a member named "__proto__" is data, never the prototype.
    else
      Object.defineProperty(out, k, {
        value: mergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}
