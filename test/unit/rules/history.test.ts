/**
 * The history rules on the catalogue's vectors, as sequences of records: every record before the
 * last one is history (its updates applied, as the validators apply an accepted record's), the last
 * one is judged by the rule's every half. The history is a plain map: the rules read it through
 * the same HistoryRead the validators' stores give them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteName } from '../../../core/contract.ts';
import type { HistoryRead } from '../../../core/history/history.ts';
import { RULES } from '../../../rules/catalogue.ts';
import { eventSha256, historyUpdates, TAKEOFFS_KEPT } from '../../../rules/history.ts';
import { ruleSetFor } from '../../../rules/registration/marks.ts';
import { DEFAULT_RULE_PARAMS, type Finding } from '../../../rules/types.ts';
import { AUDIT, ZEROS } from './audit.ts';
import { NOW, base as PART } from './harness.ts';
import { crs, LOG } from './logbook.ts';

interface Step {
  route: RouteName;
  record: Record<string, unknown>;
  registration: string;
}

class MapHistory implements HistoryRead {
  readonly stores = new Map<string, Map<string, unknown>>();
  get(store: string, key: string) {
    return this.stores.get(store)?.get(key);
  }
  apply(s: Step, traceId: string) {
    for (const u of historyUpdates(s.route, s.record, s.record, s.registration, traceId, this)) {
      const m = this.stores.get(u.store) ?? new Map<string, unknown>();
      this.stores.set(u.store, m);
      m.set(u.key, u.value);
    }
  }
  bytes() {
    return [...this.stores.values()].flatMap((m) =>
      [...m].map(([k, v]) => k.length + JSON.stringify(v).length),
    );
  }
}

const context = (registration: string) => ({
  work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
  aircraft_registration: registration,
  technician_badge_hash: '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2',
});

/** The findings of rule `id` (its history-reading halves) on the last step, after the others. */
function sequence(id: string, steps: Step[]): Finding[] {
  const rules = RULES.filter((r) => r.id === id && r.history);
  assert.ok(rules.length > 0, `${id} has no history half`);
  const h = new MapHistory();
  for (const [i, s] of steps.slice(0, -1).entries()) h.apply(s, `t${i + 1}`);
  const last = steps.at(-1) as Step;
  const ctx = {
    route: last.route,
    now: NOW,
    ruleSet: ruleSetFor(last.registration),
    context: context(last.registration),
    params: DEFAULT_RULE_PARAMS,
    history: h,
  };
  return rules.flatMap((r) => r.check(last.record, ctx));
}

const part = (registration: string, status: string, at: string): Step => ({
  route: 'parts-trace',
  registration,
  record: {
    ...PART,
    aircraft_registration: registration,
    installation_status: status,
    installation_date: at,
  },
});
const ok = (f: Finding[]) => assert.deepEqual(f, []);
const fails = (f: Finding[], severity = 'ERROR') => {
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.equal(f[0]?.severity, severity);
};

describe('TRACE-SEQ-1: removed only from the aircraft it is installed on', () => {
  const installed = part('N123AZ', 'installed', '2025-01-10T08:00:00Z');
  it('✔ removed from N123AZ 2025-03-01T10:00Z', () =>
    ok(sequence('TRACE-SEQ-1', [installed, part('N123AZ', 'removed', '2025-03-01T10:00:00Z')])));
  it('✘ removed from D-AIBL', () =>
    fails(sequence('TRACE-SEQ-1', [installed, part('D-AIBL', 'removed', '2025-03-01T10:00:00Z')])));
  it('✘ removal with no prior event', () =>
    fails(sequence('TRACE-SEQ-1', [part('N123AZ', 'removed', '2025-03-01T10:00:00Z')])));
  it('✘ removed twice', () =>
    fails(
      sequence('TRACE-SEQ-1', [
        installed,
        part('N123AZ', 'removed', '2025-03-01T10:00:00Z'),
        part('N123AZ', 'removed', '2025-03-02T10:00:00Z'),
      ]),
    ));
  it('another serial of the same part number is another part', () => {
    const other = part('N123AZ', 'removed', '2025-03-01T10:00:00Z');
    other.record.serial_number = 'SN99999K';
    fails(sequence('TRACE-SEQ-1', [installed, other]));
  });
});

describe('TRACE-SEQ-2: a serialised part cannot be fitted in two places', () => {
  const installed = part('N123AZ', 'installed', '2025-01-10T08:00:00Z');
  it('✘ installed on D-AIBL without a removal', () =>
    fails(sequence('TRACE-SEQ-2', [installed, part('D-AIBL', 'installed', '2025-02-01T08:00:00Z')])));
  it('✔ after a removal from N123AZ', () =>
    ok(
      sequence('TRACE-SEQ-2', [
        installed,
        part('N123AZ', 'removed', '2025-01-20T08:00:00Z'),
        part('D-AIBL', 'installed', '2025-02-01T08:00:00Z'),
      ]),
    ));
  it('✔ the first installation of a part', () =>
    ok(sequence('TRACE-SEQ-2', [part('D-AIBL', 'installed', '2025-02-01T08:00:00Z')])));
  it('✘ an inspection does not uninstall it', () =>
    fails(
      sequence('TRACE-SEQ-2', [
        installed,
        part('N123AZ', 'inspected', '2025-01-15T08:00:00Z'),
        part('D-AIBL', 'installed', '2025-02-01T08:00:00Z'),
      ]),
    ));
});

describe('TRACE-SEQ-3: events are chronological', () => {
  const installed = part('N123AZ', 'installed', '2025-03-01T10:00:00Z');
  it('✘ removed 2025-02-28T10:00Z', () =>
    fails(sequence('TRACE-SEQ-3', [installed, part('N123AZ', 'removed', '2025-02-28T10:00:00Z')])));
  it('✔ removed 2025-03-01T10:00Z (the same instant)', () =>
    ok(sequence('TRACE-SEQ-3', [installed, part('N123AZ', 'removed', '2025-03-01T10:00:00Z')])));
  it('compares instants, not the text: 11:00+02:00 is before 10:00Z', () =>
    fails(sequence('TRACE-SEQ-3', [installed, part('N123AZ', 'removed', '2025-03-01T11:00:00+02:00')])));
});

describe('TRACE-SEQ-4: inspected', () => {
  it('✔ inspected while installed', () =>
    ok(
      sequence('TRACE-SEQ-4', [
        part('N123AZ', 'installed', '2025-01-10T08:00:00Z'),
        part('N123AZ', 'inspected', '2025-02-10T08:00:00Z'),
      ]),
    ));
  it('✘(WARN) the first-ever event is inspected', () =>
    fails(sequence('TRACE-SEQ-4', [part('N123AZ', 'inspected', '2025-02-10T08:00:00Z')]), 'WARN'));
});

const event = (patch: Record<string, unknown>): Step => ({
  route: 'compliance-audit',
  registration: 'D-AIBL',
  record: { ...AUDIT, ...patch },
});
const create = event({});
const sign = (prev: Step, at = '2025-05-31T09:59:00Z') =>
  event({
    event_id: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e60',
    action: 'SIGN',
    signature_meaning: 'PERFORMED',
    occurred_at: at,
    prev_event_sha256: eventSha256(prev.record),
  });
const amend = (prev: Step, version: number, supersedes = `R1@${version - 1}`) =>
  event({
    event_id: `6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e7${version}`,
    action: 'AMEND',
    record_version: version,
    supersedes,
    occurred_at: '2025-05-31T09:59:30Z',
    prev_event_sha256: eventSha256(prev.record),
  });

describe('ESIG-INT-2: the chain walk', () => {
  const s = sign(create);
  const a = amend(s, 2);
  it('✔ a 3-event chain is consistent', () => ok(sequence('ESIG-INT-2', [create, s, a])));
  it('✘ the middle event deleted (the next prev does not match)', () =>
    fails(sequence('ESIG-INT-2', [create, a])));
  it('✘ an event altered after the next one named it', () => {
    const altered = event({ ...s.record, occurred_at: '2025-05-31T09:59:01Z' });
    fails(sequence('ESIG-INT-2', [create, altered, a]));
  });
  it('✘ an event of a record with no earlier event', () => fails(sequence('ESIG-INT-2', [s])));
  it('hashes the canonical JSON (RFC 8785): key order and spacing do not matter', () => {
    const reordered = Object.fromEntries(Object.entries(create.record).reverse());
    assert.equal(eventSha256(reordered), eventSha256(create.record));
    assert.notEqual(
      eventSha256({ ...create.record, occurred_at: '2025-05-31T09:58:01Z' }),
      eventSha256(create.record),
    );
  });
});

describe('ESIG-TIME-2: a SIGN is not dated before the CREATE of its version', () => {
  it('✔ signed after its CREATE', () => ok(sequence('ESIG-TIME-2', [create, sign(create)])));
  it('✘ signed before its CREATE', () =>
    fails(sequence('ESIG-TIME-2', [create, sign(create, '2025-05-31T09:57:00Z')])));
  it('a SIGN of version 2 is compared with the AMEND that made it', () => {
    const a = amend(create, 2);
    fails(
      sequence('ESIG-TIME-2', [
        create,
        a,
        event({ ...sign(a, '2025-05-31T09:59:00Z').record, record_version: 2 }),
      ]),
    );
  });
});

describe('ESIG-AMEND-1: against the record history', () => {
  it('✔ v1 → AMEND v2 supersedes R1@1', () => ok(sequence('ESIG-AMEND-1', [create, amend(create, 2)])));
  it('✘ AMEND v2 supersedes R1@1 when v2 exists', () => {
    const a = amend(create, 2);
    fails(sequence('ESIG-AMEND-1', [create, a, amend(a, 2)]));
  });
  it('✘ AMEND v3 supersedes R1@2 when v2 never existed', () =>
    fails(sequence('ESIG-AMEND-1', [create, amend(create, 3)])));
  it('✘ a second CREATE of a record', () => fails(sequence('ESIG-AMEND-1', [create, create])));
  it('✘ a SIGN of a version that does not exist', () =>
    fails(sequence('ESIG-AMEND-1', [create, event({ ...sign(create).record, record_version: 2 })])));
});

const entry = (patch: Record<string, unknown>, registration = 'D-AIBL'): Step => ({
  route: 'logbook',
  registration,
  record: { ...LOG, aircraft_registration: registration, crs, crs_ref: 'CRS-1', ...patch },
});

describe('EASA-M.A.305-a: the CRS reference is unique per aircraft', () => {
  it('✘ a duplicate crs_ref for the same aircraft', () =>
    fails(sequence('EASA-M.A.305-a', [entry({}), entry({})])));
  it('✔ the same crs_ref on another aircraft', () =>
    ok(sequence('EASA-M.A.305-a', [entry({}, 'D-AIBM'), entry({})])));
  it('✔ another crs_ref', () => ok(sequence('EASA-M.A.305-a', [entry({}), entry({ crs_ref: 'CRS-2' })])));
});

describe('EASA-M.A.305-b1: totals do not decrease', () => {
  const first = entry({
    completion_date: '2025-03-14T16:00:00Z',
    total_in_service: { flight_hours: 41230.4, flight_cycles: 18321, landings: null },
  });
  const later = (flight_hours: number, completion_date = '2025-03-20T16:00:00Z') =>
    entry({
      crs_ref: 'CRS-2',
      completion_date,
      total_in_service: { flight_hours, flight_cycles: 18321, landings: null },
    });
  it('✔ {flight_hours: 41230.4, flight_cycles: 18321} as the first entry', () =>
    ok(sequence('EASA-M.A.305-b1', [first])));
  it('✔ flight_hours 41250.0 after 41230.4', () => ok(sequence('EASA-M.A.305-b1', [first, later(41250.0)])));
  it('✘ flight_hours 41200.0 after a previous 41230.4', () =>
    fails(sequence('EASA-M.A.305-b1', [first, later(41200.0)])));
  it('✘ an entry dated before the latest one with higher totals', () =>
    fails(sequence('EASA-M.A.305-b1', [first, later(41300.0, '2025-03-01T16:00:00Z')])));
  it('✔ an entry entered late with lower totals', () =>
    ok(sequence('EASA-M.A.305-b1', [first, later(41100.0, '2025-03-01T16:00:00Z')])));
});

describe('EASA-145.A.50-b: the CRS is issued before flight', () => {
  const sector = (takeoff_at: string) =>
    entry({
      entry_type: 'TECH_LOG',
      crs: null,
      crs_ref: null,
      tech_log: { sector: { sector_ref: 'LH123', takeoff_at, landing_at: null }, deferred_defects: [] },
    });
  const release = (issued_at: string) =>
    entry({ completion_date: '2025-03-14T09:00:00Z', crs: { ...crs, issued_at } });
  it('✔ CRS 10:00Z, take-off 11:30Z', () =>
    ok(sequence('EASA-145.A.50-b', [sector('2025-03-14T11:30:00Z'), release('2025-03-14T10:00:00Z')])));
  it('✘ CRS 12:00Z after an 11:30Z take-off', () =>
    fails(sequence('EASA-145.A.50-b', [sector('2025-03-14T11:30:00Z'), release('2025-03-14T12:00:00Z')])));
  it('✔ a take-off before the work was completed does not count', () =>
    ok(sequence('EASA-145.A.50-b', [sector('2025-03-14T08:00:00Z'), release('2025-03-14T12:00:00Z')])));
  it(`remembers the latest ${TAKEOFFS_KEPT} take-offs of an aircraft`, () => {
    const h = new MapHistory();
    for (let i = 0; i < TAKEOFFS_KEPT + 10; i++)
      h.apply(sector(new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString()), `t${i}`);
    const kept = (h.get('aircraft', 'D-AIBL') as { takeoffs: string[] }).takeoffs;
    assert.equal(kept.length, TAKEOFFS_KEPT);
    assert.equal(kept[0], new Date(Date.UTC(2025, 0, 1) + 10 * 3_600_000).toISOString());
  });
});

describe('history entries: sizes (documented in rules/history.ts)', () => {
  it('a part, an audited record, an aircraft and a CRS reference stay within their documented size', () => {
    const h = new MapHistory();
    h.apply(part('N123AZ', 'installed', '2025-01-10T08:00:00Z'), '0b6f2f6e-1d7b-4f43-9a43-0c3f0a1e9c11');
    h.apply(create, '0b6f2f6e-1d7b-4f43-9a43-0c3f0a1e9c11');
    h.apply(
      entry({ total_in_service: { flight_hours: 41230.4, flight_cycles: 18321 } }),
      '0b6f2f6e-1d7b-4f43-9a43-0c3f0a1e9c11',
    );
    const sizes = h.bytes();
    assert.equal(sizes.length, 4);
    for (const n of sizes) assert.ok(n <= 200, `an entry of ${n} bytes`);
  });
  it('the first event of a record links to 64 zeros and becomes the head', () => {
    const h = new MapHistory();
    h.apply(create, 't1');
    assert.equal(AUDIT.prev_event_sha256, ZEROS);
    assert.equal((h.get('audit', 'D-AIBL|R1') as { head: string }).head, eventSha256(create.record));
  });
});

describe('history: review findings of 2026-12-02', () => {
  it('a batch-controlled item (serial N/A) is not a serialised part: TRACE-SEQ neither judges nor records it', () => {
    const lot = (registration: string) => {
      const s = part(registration, 'installed', '2025-02-01T08:00:00Z');
      Object.assign(s.record, { serial_number: 'N/A', batch_lot_code: 'LOT-7' });
      return s;
    };
    ok(sequence('TRACE-SEQ-2', [lot('N123AZ'), lot('D-AIBL')]));
    const h = new MapHistory();
    h.apply(lot('N123AZ'), 't1');
    assert.equal(h.stores.get('parts'), undefined);
  });

  it('EASA-M.A.305-b1: an entry with some parameters leaves the others as they were', () => {
    const both = entry({
      completion_date: '2025-03-14T16:00:00Z',
      total_in_service: { flight_hours: 41230.4, flight_cycles: 18321, landings: null },
    });
    const hoursOnly = entry({
      crs_ref: 'CRS-2',
      completion_date: '2025-03-15T16:00:00Z',
      total_in_service: { flight_hours: 41240.0, flight_cycles: null, landings: null },
    });
    const fewerCycles = entry({
      crs_ref: 'CRS-3',
      completion_date: '2025-03-16T16:00:00Z',
      total_in_service: { flight_hours: 41250.0, flight_cycles: 18300, landings: null },
    });
    const f = sequence('EASA-M.A.305-b1', [both, hoursOnly, fewerCycles]);
    fails(f);
    assert.equal(f[0]?.path, '/total_in_service/flight_cycles');
  });

  it('the audit store keys a record by its aircraft too: the same record_id on another aircraft is another record', () => {
    const elsewhere: Step = { ...sign(create), registration: 'D-AIBM' };
    fails(sequence('ESIG-INT-2', [create, elsewhere]));
    ok(sequence('ESIG-AMEND-1', [create, { ...create, registration: 'D-AIBM' }]));
  });
});
