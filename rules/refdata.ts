/**
 * Reference data (DESIGN.md "Reference data"): facts beyond the record that some rules need — the
 * technician roster, the fleet master, release certificates, organisation approvals, the tool
 * register. Each kind lives in a compacted Kafka topic keyed by its natural key, as JSON; a record
 * with no value (tombstone) deletes the key. Upstream ERP sync agents (or `npm run ref:load`)
 * publish to them; the validators materialise them in memory.
 */
import { z } from 'zod';
import type { ToolType } from '../core/generated/avro-types.ts';
import { isReferenceDate } from './lib/time.ts';

/** A calendar date (YYYY-MM-DD: a whole day) or an RFC 3339 date-time with offset (an instant). */
const isoDate = z.string().refine(isReferenceDate, 'a date YYYY-MM-DD or an RFC 3339 date-time with offset');

/** A list: a JSON array, or in a CSV cell the items separated by `;` (an empty cell is no items). */
const list = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(';')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : v === null
        ? []
        : v,
  z.array(z.string().min(1)),
);

/** The tool types of avro/measurement.avsc (ToolType); a test keeps the two in step. */
export const TOOL_TYPES = [
  'TORQUE_WRENCH',
  'TORQUE_SCREWDRIVER',
  'TORQUE_ANALYSER',
  'PRESSURE_GAUGE',
  'MICROMETER',
  'CALIPER',
  'DIAL_INDICATOR',
  'FEELER_GAUGE',
  'ULTRASONIC_THICKNESS',
  'CABLE_TENSIOMETER',
  'BONDING_METER',
  'INSULATION_TESTER',
  'MULTIMETER',
  'THERMOMETER',
] as const satisfies readonly ToolType[];

/** EASA Part-145 authorisation scope: `<aircraft type>/<licence category>`, e.g. A320/B1 (145.A.35). */
const SCOPE = /^[A-Z0-9][A-Z0-9 ._-]*\/(A|B1|B2|B2L|B3|C|L)$/;

export const REF_KINDS = {
  technicians: {
    key: 'badge_hash',
    schema: z.strictObject({
      badge_hash: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex characters (CTX-BADGE-1)'),
      name: z.string().min(1),
      // PERSON: one natural person. Shared or role badges (HANGAR-3) cannot sign (ESIG-ID-1).
      kind: z.enum(['PERSON', 'SHARED']).default('PERSON'),
      certificate_number: z.string().min(1).nullable().default(null),
      certificate_kind: z.string().min(1).nullable().default(null),
      active_from: isoDate,
      deactivated_at: isoDate.nullable().default(null),
      // FAA Inspection Authorization (14 CFR 65.91): the last day it is valid; null when not held.
      ia_valid_until: isoDate.nullable().default(null),
      // EASA / UK Part-145 (145.A.35): certifying staff hold a certification authorisation issued by
      // the organisation, within the scope of a valid Part-66 licence; support staff do not.
      staff_role: z.enum(['CERTIFYING_STAFF', 'SUPPORT_STAFF', 'NONE']).default('NONE'),
      authorisation_ref: z.string().min(1).nullable().default(null),
      authorisation_scope: list
        .pipe(z.array(z.string().regex(SCOPE, '<aircraft type>/<category>, e.g. A320/B1')))
        .default([]),
      authorisation_valid_from: isoDate.nullable().default(null),
      authorisation_valid_until: isoDate.nullable().default(null),
      licence_ref: z.string().min(1).nullable().default(null),
      licence_valid_until: isoDate.nullable().default(null),
    }),
  },
  fleet: {
    key: 'registration',
    schema: z.strictObject({
      registration: z.string().min(2),
      aircraft_type: z.string().min(1),
      manufactured_on: isoDate,
    }),
  },
  approvals: {
    key: 'approval_ref',
    schema: z.strictObject({
      // EASA / UK organisation approval (DE.145.0123) or FAA air-agency certificate (ABCR123X).
      approval_ref: z.string().min(1),
      organisation: z.string().min(1),
      valid_from: isoDate,
      // Surrendered, suspended or revoked: releases on or after this date are not under the approval.
      withdrawn_at: isoDate.nullable().default(null),
    }),
  },
  backups: {
    key: 'system',
    schema: z.strictObject({
      // The record store that is backed up: `compliance-audit` is the compliance audit store.
      system: z.string().min(1),
      // When the last off-site backup completed (CAMO.A.220 AMC1: within 24 h of any new entry).
      last_offsite_backup_at: z.iso.datetime({ offset: true }),
      // Where it is stored: a different location from the record system.
      location: z.string().min(1),
    }),
  },
  releases: {
    key: 'certificate_ref',
    schema: z.strictObject({
      certificate_ref: z.string().min(1),
      part_number: z.string().min(1),
      // Block 10: "N/A" when the item has no serial number.
      serial_number: z.string().min(1),
      release_date: isoDate,
    }),
  },
  tools: {
    key: 'tool_id',
    // The tool register (EASA 145.A.40(b), 14 CFR 145.109(b); MEAS-CAL-1): each calibrated tool with
    // its current calibration. A recalibration publishes the tool again with its new certificate.
    schema: z
      .strictObject({
        tool_id: z.string().min(1),
        tool_type: z.enum(TOOL_TYPES),
        calibration_certificate_ref: z.string().min(1),
        calibrated_on: isoDate,
        // The last day (or instant) the calibration is valid: a reading on that day is still covered.
        calibration_due: isoDate,
        // Lost, damaged, out of service: readings on or after this date are not by a controlled tool.
        withdrawn_at: isoDate.nullable().default(null),
        // The officially recognised standard the calibration is traceable to, e.g. ISO 6789-2:2017.
        standard: z.string().min(1).nullable().default(null),
      })
      .refine((t) => t.calibration_due.slice(0, 10) >= t.calibrated_on.slice(0, 10), {
        message: 'calibration_due is before calibrated_on',
        path: ['calibration_due'],
      }),
  },
} as const;

export type RefKind = keyof typeof REF_KINDS;
export type RefValue<K extends RefKind> = z.infer<(typeof REF_KINDS)[K]['schema']>;

export const REF_KIND_NAMES = Object.keys(REF_KINDS) as RefKind[];

/** Validates one reference record; throws with every problem named. */
export function parseRef<K extends RefKind>(kind: K, value: unknown): RefValue<K> {
  const r = REF_KINDS[kind].schema.safeParse(value);
  if (!r.success) {
    throw new Error(r.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; '));
  }
  return r.data as RefValue<K>;
}

/** The in-memory copy of the reference data, as the rules read it. */
export interface ReferenceData {
  get<K extends RefKind>(kind: K, key: string): RefValue<K> | undefined;
  /** How many entries of a kind are loaded. */
  size(kind: RefKind): number;
}

export class ReferenceMaps implements ReferenceData {
  readonly #maps = new Map<RefKind, Map<string, unknown>>(REF_KIND_NAMES.map((k) => [k, new Map()]));
  get<K extends RefKind>(kind: K, key: string): RefValue<K> | undefined {
    return this.#maps.get(kind)?.get(key) as RefValue<K> | undefined;
  }
  size(kind: RefKind): number {
    return this.#maps.get(kind)?.size ?? 0;
  }
  /** Applies one record of a reference topic: a value sets the key, null (tombstone) deletes it. */
  apply(kind: RefKind, key: string, value: unknown | null): void {
    const map = this.#maps.get(kind);
    if (!map) return;
    if (value === null) {
      map.delete(key);
      return;
    }
    const parsed = parseRef(kind, value) as Record<string, unknown>;
    const own = parsed[REF_KINDS[kind].key];
    if (own !== key)
      throw new Error(`the record's ${REF_KINDS[kind].key} (${String(own)}) is not its key (${key})`);
    map.set(key, parsed);
  }
}

/** The topic of each kind of reference data. */
export function refTopics(topics: {
  refTechnicians: string;
  refFleet: string;
  refReleases: string;
  refApprovals: string;
  refBackups: string;
  refTools: string;
}): Record<RefKind, string> {
  return {
    technicians: topics.refTechnicians,
    fleet: topics.refFleet,
    approvals: topics.refApprovals,
    backups: topics.refBackups,
    releases: topics.refReleases,
    tools: topics.refTools,
  };
}

/**
 * The reference topics as one view a compacted-topic follower (core/kafka/compacted-follower.ts)
 * keeps up to date: each topic's records applied to its kind. Pure; the follower does the I/O.
 */
export function referenceView(topics: Record<RefKind, string>) {
  const data = new ReferenceMaps();
  const kindOf = new Map(Object.entries(topics).map(([k, t]) => [t, k as RefKind]));
  /** The newest record's timestamp of each kind (its age is a metric: a stale export shows). */
  const newest = new Map<RefKind, number>();
  return {
    data,
    topics: [...kindOf.keys()],
    apply(topic: string, key: string, value: unknown | null, timestampMs?: number): void {
      const kind = kindOf.get(topic);
      if (kind === undefined) return;
      data.apply(kind, key, value);
      if (timestampMs !== undefined && Number.isFinite(timestampMs) && timestampMs > (newest.get(kind) ?? 0))
        newest.set(kind, timestampMs);
    },
    sizes: () => Object.fromEntries([...kindOf.values()].map((k) => [k, data.size(k)])),
    newest: (): ReadonlyMap<RefKind, number> => newest,
  };
}

/** How the validators and the DLQ dry run name their follower of the reference topics. */
export const REFERENCE_FOLLOWER = { name: 'reference data', groupPrefix: 'airlock-ref-' } as const;
