// Generated from avro/ by `npm run schemas:types` (scripts/gen-types.ts). Do not edit: change the
// .avsc files and regenerate; test/unit/core/generated.test.ts fails when this file is stale.

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
  /** The customer organisation (tenant) the sender's token speaks for; null on records accepted before tenants existed. */
  tenant: null | string;
  /** The token's issuer, when the ingress trusts a list of issuers (subjects are unique per issuer); null with a single issuer. */
  issuer: null | string;
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

export type EntryType = 'MAINTENANCE' | 'INSPECTION' | 'TECH_LOG';

export type CertificateKind = 'MECHANIC_A' | 'MECHANIC_P' | 'MECHANIC_AP' | 'REPAIRMAN' | 'REPAIR_STATION' | 'AIR_CARRIER';

/** The person approving the work for return to service (43.9(a)(4)). */
export interface Approver {
  /** Badge hash of the approver (64 lowercase hex, CTX-BADGE-1). */
  badge_hash: string;
  /** Approver's name. */
  name: null | string;
  /** FAA certificate number. */
  certificate_number: null | string;
  /** Kind of certificate held by the approver. */
  certificate_kind: null | CertificateKind;
  /** Reference to the approver's signature record (ESIG). */
  signature_ref: null | string;
}

export type InspectionType = 'ANNUAL' | 'HUNDRED_HOUR' | 'PROGRESSIVE' | 'OTHER';

export type WorkClass = 'MINOR' | 'MAJOR_REPAIR' | 'MAJOR_ALTERATION';

/** EASA certificate of release to service (145.A.50, AMC 145.A.50). */
export interface Crs {
  /** When the CRS was issued: RFC 3339 date-time with offset. */
  issued_at: string;
  /** Maintenance organisation approval reference, e.g. DE.145.0123. */
  organisation_approval_ref: null | string;
  /** Badge hash of the certifying staff (CTX-BADGE-2). */
  certifying_staff_badge_hash: null | string;
  /** The certifying staff's certification authorisation reference (145.A.35). */
  certifying_staff_authorisation_ref: null | string;
  /** Part-66 licence reference. */
  licence_ref: null | string;
  /** The release statement. */
  statement: null | string;
  /** Limitations of the release, possibly empty; required on a CRS (EASA-CRS-CONTENT). */
  limitations: null | Array<string>;
}

/** Total in-service life of the aircraft in its applicable parameters (M.A.305(b)(1)). */
export interface TotalInService {
  /** Flight hours. */
  flight_hours: null | number;
  /** Flight cycles. */
  flight_cycles: null | number;
  /** Landings. */
  landings: null | number;
}

export type RecordEvent = 'AD_COMPLIANCE' | 'MODIFICATION' | 'REPAIR';

/** The flight this entry records (AMC M.A.306(a) section 1). */
export interface Sector {
  /** The operator's reference of this sector record, which deferred defects cite. */
  sector_ref: null | string;
  /** Date of the flight, YYYY-MM-DD. */
  date: null | string;
  /** Place of take-off, e.g. the ICAO aerodrome code EDDF. */
  takeoff_place: null | string;
  /** Time of take-off: RFC 3339 date-time with offset. */
  takeoff_at: null | string;
  /** Place of landing. */
  landing_place: null | string;
  /** Time of landing: RFC 3339 date-time with offset. */
  landing_at: null | string;
  /** Running total of flight hours after this sector. */
  running_total_hours: null | number;
}

/** An outstanding deferred defect (AMC M.A.306(a) section 4). */
export interface DeferredDefect {
  /** The defect. */
  description: string;
  /** The sector record where the defect was first entered. */
  origin_sector_ref: null | string;
  /** The original date of occurrence, YYYY-MM-DD. */
  occurred_on: null | string;
  /** The deferral authority, e.g. the MEL item. */
  deferral_ref: null | string;
}

/** The aircraft technical log entry of one sector (M.A.306(a), AMC M.A.306(a)); required on entry_type TECH_LOG. */
export interface TechLog {
  /** The sector. */
  sector: null | Sector;
  /** Outstanding deferred defects carried by this entry. */
  deferred_defects: Array<DeferredDefect>;
}

/** A maintenance or inspection record entry (POST /v1/logbook): the FAA 14 CFR 43.9 / 43.11 fields and the EASA certificate of release to service (145.A.50, M.A.305) as proposed in REGULATORY.md §4–5. Which fields a rule requires depends on the aircraft's rule set (state of registry). */
export interface LogbookEntry {
  /** Registration mark, as in the maintenance context (CTX-REG-1). */
  aircraft_registration: string;
  /** Kind of entry. */
  entry_type: EntryType;
  /** Description of the work performed (43.9(a)(1); CRS basic details). */
  work_description: null | string;
  /** Reference to the maintenance data used, e.g. AMM 32-41-11 R45 (43.9(a)(1); 145.A.50(a)). */
  maintenance_data_ref: null | string;
  /** When the work was completed: RFC 3339 date-time with offset (43.9(a)(2), TIME-1). */
  completion_date: string;
  /** Badge hash of the person who performed the work, when not the approver (43.9(a)(3)). */
  performed_by_badge_hash: null | string;
  /** Name of the person who performed the work, when not the approver (43.9(a)(3)). */
  performed_by_name: null | string;
  /** Who approved the work. */
  approver: null | Approver;
  /** True when the work was performed satisfactorily and the aircraft is approved for return to service. */
  return_to_service: boolean;
  /** Type of inspection, on inspection entries. */
  inspection_type: null | InspectionType;
  /** Extent of the inspection (43.11(a)(1)). */
  inspection_scope: null | string;
  /** Aircraft total time in service, hours (43.11(a)(2)). */
  aircraft_total_time_hours: null | number;
  /** Minor, major repair or major alteration. */
  work_class: null | WorkClass;
  /** FAA Form 337 reference, for major repairs and alterations (43.9(d)). */
  form_337_ref: null | string;
  /** Reference to the signed, dated list of discrepancies when not returned to service (43.11(a)(5), (b)). */
  discrepancy_list_ref: null | string;
  /** Language of the record, ISO 639-1 (145.219(a)). */
  language: null | string;
  /** Owner or operator given a copy of the maintenance release (145.219(a)). */
  release_copy_delivered_to: null | string;
  /** The certificate of release to service, on EASA and UK CAA records. */
  crs: null | Crs;
  /** Unique reference to the CRS, entered in the continuing-airworthiness record (M.A.305(a)). */
  crs_ref: null | string;
  /** Ordered tasks not completed (145.A.50(e)); each must be cited in crs.limitations. */
  incomplete_tasks: Array<string>;
  /** Total time in service at this entry (EASA). */
  total_in_service: null | TotalInService;
  /** Airworthiness directive compliance, modification or repair, when the entry is one. */
  event: null | RecordEvent;
  /** Airworthiness directive number, on AD_COMPLIANCE. */
  ad_number: null | string;
  /** Revision or amendment of the AD. */
  ad_revision: null | string;
  /** How the AD was complied with, e.g. SB 32-1456. */
  method_of_compliance: null | string;
  /** Next due, for repetitive ADs. */
  next_due: null | string;
  /** Where a structural repair is, on REPAIR. */
  repair_location: null | string;
  /** Dimensions of a structural repair, on REPAIR. */
  repair_dimensions: null | string;
  /** Tasks done by subcontractors (145.A.55(a)). */
  subcontracted_tasks: Array<string>;
  /** The subcontractors' release documents (145.A.55(a)). */
  subcontractor_release_refs: Array<string>;
  /** Operator given a copy of the CRS (145.A.55(a)). */
  crs_copy_delivered_to: null | string;
  /** The technical log entry, on entry_type TECH_LOG (EASA M.A.306(a)). */
  tech_log: null | TechLog;
}

/** LogbookEntry with the Airlock envelope (trace id, received-at, source, maintenance context, actor, rule set, warnings). */
export interface LogbookRecord {
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
  payload: LogbookEntry;
}

export type AuditAction = 'CREATE' | 'SIGN' | 'AMEND' | 'VOID' | 'PURGE';

export type SignatureMeaning = 'PERFORMED' | 'INSPECTED' | 'APPROVED_RTS' | 'CRS_ISSUED' | 'REVIEWED';

export type RecordClass = 'MAINTENANCE' | 'STATUS' | 'REPAIR_STATION' | 'AMO' | 'TECH_LOG';

/** What a PURGE must show to be allowed (REGULATORY.md §10). */
export interface Retention {
  /** Every class the record belongs to; the longest period wins (RET-MAX). */
  record_classes: Array<RecordClass>;
  /** When the work was performed (RET-FAA-91.417-b1). */
  work_date: null | string;
  /** When the work was repeated or superseded (RET-FAA-91.417-b1). */
  superseded_at: null | string;
  /** Approval for return to service (RET-FAA-145.219-c). */
  rts_date: null | string;
  /** Date of the CRS (RET-EASA-145.A.55). */
  crs_date: null | string;
  /** Last technical-log entry (RET-EASA-TECHLOG). */
  last_entry_date: null | string;
  /** Status records transferred with the aircraft on its sale (RET-FAA-91.417-b2). */
  transferred_out: boolean;
  /** A legal hold: no purge at all (RET-MAX). */
  legal_hold: boolean;
}

/** One event of an electronic maintenance record's audit trail (POST /v1/compliance/audit): creation, signature, amendment, voiding or purge of a record version, with its content hash and its place in the record's hash chain (REGULATORY.md §9 ESIG, §10 RET). The server sets received_at (in the envelope); a client cannot send one. */
export interface ComplianceAuditEvent {
  /** Unique id of this audit event (UUID v4). */
  event_id: string;
  /** The record the event is about. */
  record_id: string;
  /** The record version, from 1 (ESIG-AMEND-1). */
  record_version: number;
  /** The action. */
  action: AuditAction;
  /** Badge hash of the individual who acted (ESIG-ID-1, CTX-BADGE-1 format). */
  actor_badge_hash: string;
  /** Required on SIGN. */
  signature_meaning: null | SignatureMeaning;
  /** When the action happened, as claimed by the client: RFC 3339 date-time with offset (ESIG-TIME-1/2). */
  occurred_at: string;
  /** SHA-256 (64 lowercase hex) of the canonical (RFC 8785) record version (ESIG-INT-1). */
  content_sha256: string;
  /** The canonical record version itself, when sent: its hash must equal content_sha256. */
  content: null | string;
  /** SHA-256 of the previous audit event of the same record, as sent, in canonical JSON (RFC 8785); 64 zeros for the first (ESIG-INT-2). */
  prev_event_sha256: string;
  /** On AMEND: the version replaced, as record_id@version (ESIG-AMEND-1). */
  supersedes: null | string;
  /** Required on PURGE. */
  retention: null | Retention;
}

/** ComplianceAuditEvent with the Airlock envelope (trace id, received-at, source, maintenance context, actor, rule set, warnings). */
export interface ComplianceAuditRecord {
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
  payload: ComplianceAuditEvent;
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

export type ToolType = 'TORQUE_WRENCH' | 'TORQUE_SCREWDRIVER' | 'TORQUE_ANALYSER' | 'PRESSURE_GAUGE' | 'MICROMETER' | 'CALIPER' | 'DIAL_INDICATOR' | 'FEELER_GAUGE' | 'ULTRASONIC_THICKNESS' | 'CABLE_TENSIOMETER' | 'BONDING_METER' | 'INSULATION_TESTER' | 'MULTIMETER' | 'THERMOMETER';

export type ToolResult = 'PASS' | 'FAIL';

/** One reading of a calibrated tool or sensor (POST /v1/measurements): a torque, pressure, dimension, tension or electrical value taken at a fastener or inspection point of a task card, with the specification it was judged against and the tool's own result (docs/rules.md MEAS-*). High-volume senders post them as a JSON array or NDJSON. The server sets received_at (in the envelope); a client cannot send one. */
export interface Measurement {
  /** Unique id of this reading, set by the tool or its gateway (UUID). */
  measurement_id: string;
  /** Registration mark, as in the maintenance context (CTX-REG-1); the record's partition key. */
  aircraft_registration: string;
  /** The tool's identity in the organisation's tool register (reference data airlock.ref.tools.v1, MEAS-CAL-1). */
  tool_id: string;
  /** The kind of tool that took the reading. */
  tool_type: ToolType;
  /** The tool's current calibration certificate, as the tool register holds it (MEAS-CAL-1; EASA 145.A.40(b), 14 CFR 145.109(b)). */
  calibration_certificate_ref: string;
  /** The task card (job card) step the reading belongs to. */
  task_card_ref: string;
  /** The fastener or inspection point on the task card, e.g. a bolt position or a zone station. */
  point_ref: null | string;
  /** The measured value, in unit. Finite (no Infinity or NaN). */
  value: number;
  /** Unit of value and of the specification, one of docs/rules.md MEAS-UNIT-1's set (e.g. N.m, lbf.in, kPa, psi, mm, in, N, lbf, ohm, mOhm, MOhm, V, A, Cel), allowed for the tool type. */
  unit: string;
  /** Lowest value the specification allows, in unit; null when the specification has no lower bound. */
  spec_min: null | number;
  /** Highest value the specification allows, in unit; null when it has no upper bound. */
  spec_max: null | number;
  /** PASS or FAIL as the tool decided; PASS outside the specification is refused (MEAS-SPEC-1). */
  tool_result: ToolResult;
  /** When the reading was taken: RFC 3339 date-time with offset (TIME-1, TIME-2); the calibration must be valid on its date (MEAS-CAL-1). */
  measured_at: string;
  /** Badge hash of the person who used the tool, when a person did (64 lowercase hex, CTX-BADGE-1). */
  operator_badge_hash: null | string;
}

/** Measurement with the Airlock envelope (trace id, received-at, source, maintenance context, actor, rule set, warnings). */
export interface MeasurementRecord {
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
  payload: Measurement;
}
