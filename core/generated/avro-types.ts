// Generated from avro/ by `npm run schemas:types` (scripts/gen-types.ts). Do not edit: change the
// .avsc files and regenerate; test/unit/schema-types.test.ts fails when this file is stale.

export type Source = 'http' | 'edge' | 'replay';

/** The validated x-maintenance-context of the request (REGULATORY.md §1). */
export interface MaintenanceContext {
  /** Airlock work order, UUID v4 (CTX-WO-1). */
  work_order_id: string;
  /** Registration mark (CTX-REG-1). */
  aircraft_registration: string;
  /** 64 lowercase hex characters (CTX-BADGE-1). */
  technician_badge_hash: string;
}

/** The authenticated sender. */
export interface Actor {
  /** Token subject (sub). */
  subject: string;
  /** Role from the token. */
  role: string;
  /** SHA-256 fingerprint of the client certificate, hex. */
  client_cert_sha256: null | string;
}

export type RuleSet = 'FAA' | 'EASA' | 'UK_CAA' | 'OTHER';

/** A WARN-level finding: accepted, but flagged for audit. */
export interface Finding {
  /** Rule id from REGULATORY.md. */
  rule: string;
  /** JSON pointer into the payload. */
  path: string;
  /** What was found. */
  message: string;
}

export type InstallationStatus = 'installed' | 'removed' | 'inspected';

/** Accumulated life and limits of a life-limited part (14 CFR 43.10). */
export interface LifeStatus {
  /** Accumulated cycles. */
  cycles: null | number;
  /** Cycle limit. */
  limit_cycles: null | number;
  /** Accumulated hours. */
  hours: null | number;
  /** Hour limit. */
  limit_hours: null | number;
}

export type Disposition = 'RECORD' | 'TAG' | 'MARK' | 'SEGREGATION' | 'MUTILATION';

/** A part was installed on, removed from or inspected on an aircraft (REGULATORY.md §6-8). The body of POST /v1/parts/trace. */
export interface PartsTraceEvent {
  /** ICAO registration mark in canonical display form (REG-ICAO-1), e.g. D-AIBL; must equal the maintenance context's (TRACE-REG-1). */
  aircraft_registration: string;
  /** Part number as marked (PN-FMT-1), Form 1 / 8130-3 block 8. */
  part_number: string;
  /** Serial number (SN-FMT-1), Form 1 / 8130-3 block 10; "N/A" for batch-controlled items (PART-ID-1). */
  serial_number: string;
  /** Batch or lot code (LOT-FMT-1); required when serial_number is "N/A". */
  batch_lot_code: null | string;
  /** What happened to the part. */
  installation_status: InstallationStatus;
  /** When it happened: RFC 3339 date-time with an explicit offset (TIME-1, TIME-2), kept as sent (TIME-3). */
  installation_date: string;
  /** Release certificate reference, FAA-... or EASA-... envelope (ACR-SEED-1, ACR-FAA-1, ACR-EASA-1). */
  airworthiness_certificate_ref: null | string;
  /** Block 3 form tracking number exactly as printed (ACR-NORM-1). */
  form_tracking_number_raw: null | string;
  /** Block 14e release date, YYYY-MM-DD (TIME-5, ACR-DATE-1). */
  release_date: null | string;
  /** Form 1 block 11 status/work (ACR-STATUS-1). */
  release_status: null | string;
  /** Other evidence of eligibility when no 8130-3 is referenced (TRACE-CERT-FAA). */
  eligibility_doc_ref: null | string;
  /** Evidence of conformity for standard parts and materials (TRACE-CERT-EASA). */
  conformity_ref: null | string;
  /** True for standard parts and materials (AN/MS/NAS hardware, consumables). */
  standard_part: boolean;
  /** True for a life-limited part (TRACE-LLP-1, TRACE-LLP-2). */
  life_limited: boolean;
  /** Required when a life-limited part is removed (TRACE-LLP-1). */
  life_status: null | LifeStatus;
  /** How a removed life-limited part is controlled (TRACE-LLP-1). */
  disposition: null | Disposition;
  /** Temporary removal and re-installation on the same product with no time accumulated (TRACE-LLP-1 exception). */
  temporary_same_product: boolean;
  /** The customer's own work order, contract or invoice number (CTX-WO-2). */
  external_work_order_ref: null | string;
  /** Free-text remarks (Form 1 block 12). */
  remarks: null | string;
}

/** PartsTraceEvent with the Airlock envelope (trace id, received-at, source, maintenance context, actor, rule set, warnings). */
export interface PartsTraceRecord {
  /** The id the gateway returned to the sender; unique per accepted record. */
  trace_id: string;
  /** When the gateway accepted the record (UTC). */
  received_at: number;
  /** How the record entered Airlock. */
  source: Source;
  /** The ingress route: logbook, parts-trace or compliance-audit. */
  route: string;
  /** The sender's Idempotency-Key, when it sent one. */
  idempotency_key: null | string;
  /** Who worked on which aircraft under which work order. */
  maintenance_context: MaintenanceContext;
  /** Who sent the record. */
  actor: Actor;
  /** Rule set applied, from the state of registry (CTX-RS-1); null until rule sets are applied. */
  rule_set: null | RuleSet;
  /** Version of the rule-set configuration applied. */
  rule_set_version: null | string;
  /** WARN-level findings that travel with the valid record. */
  warnings: Array<Finding>;
  /** The record as the sender sent it. */
  payload: PartsTraceEvent;
}
