/**
 * What the history rules remember (DESIGN.md "History stores"), as pure functions: the stores'
 * names and their entries, how a rule reads them, and what an accepted record changes. The stores
 * themselves (per partition, changelogs in Kafka) are core/history's; it does not know what an
 * entry means. Every store is keyed within the record's partition key (an aircraft, or a part), so
 * one partition holds every entry its records need.
 *
 * Sizes (key + JSON value, as in the changelog; the in-memory copy is of the same order): a part
 * ~150 bytes; an audited record ~180 plus ~30 per further version; an aircraft ~100 plus ~25 per
 * take-off remembered (at most TAKEOFFS_KEPT, so at most ~1.7 KB); a CRS reference ~75 bytes; an
 * idempotency pair ~130 (measured 2026-12-02 on the test vectors; test/unit/rules/history.test.ts
 * keeps each under 200).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RouteName } from '../core/contract.ts';
import type { HistoryRead } from '../core/history/history.ts';
import { HISTORY_STORE_NAMES, type HistoryStoreName } from '../core/history/stores.ts';
import { recordKey } from '../core/keys.ts';
import { momentOf } from './lib/time.ts';

export type { HistoryRead };

type Payload = Readonly<Record<string, unknown>>;

export { HISTORY_STORE_NAMES as HISTORY_STORES, type HistoryStoreName };

/** A part's installation state and last event (TRACE-SEQ-1..4); key: the part key (PN|SN). */
export interface PartState {
  /** The registration it is installed on, or null (removed, or never installed). */
  installed_on: string | null;
  last_status: string;
  last_at: string;
  trace_id: string;
}

/**
 * An audited record's chain (ESIG-INT-2, ESIG-AMEND-1, ESIG-TIME-2); key: `<registration>|<record_id>`
 * (a record's events are partitioned by the aircraft of their maintenance context).
 */
export interface AuditState {
  /** The latest version. */
  version: number;
  /** SHA-256 of the last event, canonical JSON (RFC 8785): what the next event's prev names. */
  head: string;
  /** Per version: occurred_at of the CREATE or AMEND that made it. */
  created: Record<string, string>;
  trace_id: string;
}

export const TOTAL_PARAMETERS = ['flight_hours', 'flight_cycles', 'landings'] as const;

/** An aircraft's latest totals (EASA-M.A.305-b1) and recent take-offs (EASA-145.A.50-b); key: registration. */
export interface AircraftState {
  /** Per parameter, its latest value and the completion date of the entry that gave it. */
  totals?: Partial<Record<(typeof TOTAL_PARAMETERS)[number], { value: number; at: string }>>;
  /** Take-off times of the latest sectors, ascending (at most TAKEOFFS_KEPT). */
  takeoffs: string[];
}

/** A CRS reference used on an aircraft (EASA-M.A.305-a); key: `<registration>|<crs_ref>`. */
export interface CrsState {
  trace_id: string;
}

/** A (sender, Idempotency-Key, position) already validated; key: `<subject>|<key>|<index>`. */
export interface IdempotencyState {
  trace_id: string;
  at: string;
}

export const TAKEOFFS_KEPT = 64;

export interface HistoryUpdate {
  store: HistoryStoreName;
  key: string;
  value: unknown;
}

/** The typed reads the rules make. */
export const history = {
  part: (h: HistoryRead, key: string) => h.get('parts', key) as PartState | undefined,
  audit: (h: HistoryRead, registration: string, recordId: string) =>
    h.get('audit', auditKey(registration, recordId)) as AuditState | undefined,
  aircraft: (h: HistoryRead, registration: string) =>
    h.get('aircraft', registration) as AircraftState | undefined,
  crs: (h: HistoryRead, registration: string, crsRef: string) =>
    h.get('crs', crsKey(registration, crsRef)) as CrsState | undefined,
  idempotency: (h: HistoryRead, key: string) => h.get('idempotency', key) as IdempotencyState | undefined,
};

export const crsKey = (registration: string, crsRef: string) => `${registration}|${crsRef.trim()}`;
export const auditKey = (registration: string, recordId: string) => `${registration}|${recordId}`;

/**
 * A part with a serial number of its own. A batch-controlled item (serial N/A) shares its key with
 * its whole lot: its items are not one state machine, and TRACE-SEQ neither judges nor records them.
 */
export const serialised = (record: Readonly<Record<string, unknown>>) =>
  String(record.serial_number ?? '')
    .trim()
    .toUpperCase() !== 'N/A';

/** The idempotency pair of a record: its sender (token subject), key and position in its request. */
export const idempotencyKey = (subject: string, key: string, index: number) => `${subject}|${key}|${index}`;

/** SHA-256 of an audit event as ESIG-INT-2 chains it: the canonical JSON (RFC 8785) of the event sent. */
export function eventSha256(event: unknown): string {
  return createHash('sha256')
    .update(canonicalize(event) ?? '', 'utf8')
    .digest('hex');
}

const ms = (v: unknown) => momentOf(v)?.ms;

/**
 * What an accepted record changes in the history of its partition. `sent` is the record as its
 * sender sent it (the chain hashes it); `record` the payload after the schema check.
 */
export function historyUpdates(
  route: RouteName,
  record: Payload,
  sent: unknown,
  registration: string,
  traceId: string,
  read: HistoryRead,
): HistoryUpdate[] {
  if (route === 'parts-trace') {
    if (!serialised(record)) return [];
    const key = recordKey('part', record, registration);
    const prior = history.part(read, key);
    const status = String(record.installation_status);
    const installedOn =
      status === 'installed'
        ? String(record.aircraft_registration)
        : status === 'removed'
          ? null
          : (prior?.installed_on ?? null);
    const value: PartState = {
      installed_on: installedOn,
      last_status: status,
      last_at: String(record.installation_date),
      trace_id: traceId,
    };
    return [{ store: 'parts', key, value }];
  }
  if (route === 'compliance-audit') {
    const recordId = String(record.record_id);
    const prior = history.audit(read, registration, recordId);
    const version = Number(record.record_version);
    const creates = record.action === 'CREATE' || record.action === 'AMEND';
    const value: AuditState = {
      version: creates ? Math.max(version, prior?.version ?? 0) : (prior?.version ?? version),
      head: eventSha256(sent),
      created: creates
        ? { ...(prior?.created ?? {}), [String(version)]: String(record.occurred_at) }
        : (prior?.created ?? {}),
      trace_id: traceId,
    };
    return [{ store: 'audit', key: auditKey(registration, recordId), value }];
  }
  if (route === 'logbook') {
    const out: HistoryUpdate[] = [];
    const prior = history.aircraft(read, registration);
    const next: AircraftState = {
      takeoffs: prior?.takeoffs ?? [],
      ...(prior?.totals ? { totals: prior.totals } : {}),
    };
    let changed = false;
    const t = record.total_in_service as Record<string, unknown> | null | undefined;
    const done = ms(record.completion_date);
    // Each parameter keeps its latest value: an entry that gives only some leaves the others.
    for (const p of TOTAL_PARAMETERS) {
      const v = t?.[p];
      const last = prior?.totals?.[p];
      if (typeof v !== 'number' || done === undefined || (last && done < (ms(last.at) ?? 0))) continue;
      next.totals = { ...next.totals, [p]: { value: v, at: String(record.completion_date) } };
      changed = true;
    }
    const sector = (record.tech_log as { sector?: { takeoff_at?: unknown } | null } | null | undefined)
      ?.sector;
    const takeoff = sector?.takeoff_at;
    if (typeof takeoff === 'string' && ms(takeoff) !== undefined && !next.takeoffs.includes(takeoff)) {
      next.takeoffs = [...next.takeoffs, takeoff]
        .sort((a, b) => (ms(a) ?? 0) - (ms(b) ?? 0))
        .slice(-TAKEOFFS_KEPT);
      changed = true;
    }
    if (changed) out.push({ store: 'aircraft', key: registration, value: next });
    const crsRef = typeof record.crs_ref === 'string' ? record.crs_ref : undefined;
    if (record.crs && crsRef && crsRef.trim().length > 0) {
      const value: CrsState = { trace_id: traceId };
      out.push({ store: 'crs', key: crsKey(registration, crsRef), value });
    }
    return out;
  }
  return [];
}
