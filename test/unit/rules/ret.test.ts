import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audit, fails, HASH, ok } from './audit.ts';

describe('RET (purge guard)', () => {
  const purge = (
    classes: string[],
    dates: Record<string, unknown>,
    occurred_at: string,
    extra: Record<string, unknown> = {},
  ) => ({
    action: 'PURGE',
    record_version: 2,
    prev_event_sha256: HASH,
    occurred_at,
    retention: {
      record_classes: classes,
      work_date: null,
      superseded_at: null,
      rts_date: null,
      crs_date: null,
      last_entry_date: null,
      transferred_out: false,
      legal_hold: false,
      ...dates,
      ...extra,
    },
  });
  it('RET-FAA-91.417-b1: a maintenance record never superseded is refused a purge with a finding, not a throw (issue #12 §16)', () => {
    const f = audit(
      'RET-FAA-91.417-b1',
      purge(['MAINTENANCE'], { work_date: '2020-03-01' }, '2025-06-01T00:00:00Z'),
    );
    fails(f);
    assert.match(String((f[0] as { message?: string }).message), /not superseded/);
    const bad = audit(
      'RET-FAA-91.417-b1',
      purge(['MAINTENANCE'], { work_date: '2020-03-01', superseded_at: 'soon' }, '2025-06-01T00:00:00Z'),
    );
    fails(bad);
  });

  it('RET-FAA-91.417-b1: work 2024-03-01, superseded 2024-09-01: ✘ purge 2025-02-28 ✔ purge 2025-03-02', () => {
    const d = { work_date: '2024-03-01', superseded_at: '2024-09-01' };
    fails(audit('RET-FAA-91.417-b1', purge(['MAINTENANCE'], d, '2025-02-28T00:00:00Z')));
    ok(audit('RET-FAA-91.417-b1', purge(['MAINTENANCE'], d, '2025-03-02T00:00:00Z')));
  });
  it('RET-FAA-91.417-b2: ✘ purge of LLP status ✔ transfer-out', () => {
    fails(audit('RET-FAA-91.417-b2', purge(['STATUS'], {}, '2025-03-02T00:00:00Z')));
    ok(audit('RET-FAA-91.417-b2', purge(['STATUS'], {}, '2025-03-02T00:00:00Z', { transferred_out: true })));
  });
  it('RET-FAA-145.219-c: RTS 2023-06-01: ✘ purge 2025-05-31 ✔ purge 2025-06-02', () => {
    fails(
      audit(
        'RET-FAA-145.219-c',
        purge(['REPAIR_STATION'], { rts_date: '2023-06-01' }, '2025-05-31T00:00:00Z'),
      ),
    );
    ok(
      audit(
        'RET-FAA-145.219-c',
        purge(['REPAIR_STATION'], { rts_date: '2023-06-01' }, '2025-06-02T00:00:00Z'),
      ),
    );
  });
  it('RET-EASA-145.A.55: CRS 2022-05-31: ✔ purge 2025-06-01 ✘ purge 2025-05-30', () => {
    ok(audit('RET-EASA-145.A.55', purge(['AMO'], { crs_date: '2022-05-31' }, '2025-06-01T00:00:00Z')));
    fails(audit('RET-EASA-145.A.55', purge(['AMO'], { crs_date: '2022-05-31' }, '2025-05-30T00:00:00Z')));
  });
  it('RET-EASA-TECHLOG: last entry 2022-03-01: ✔ purge 2025-03-02 ✘ purge 2025-02-28', () => {
    ok(
      audit(
        'RET-EASA-TECHLOG',
        purge(['TECH_LOG'], { last_entry_date: '2022-03-01' }, '2025-03-02T00:00:00Z'),
      ),
    );
    fails(
      audit(
        'RET-EASA-TECHLOG',
        purge(['TECH_LOG'], { last_entry_date: '2022-03-01' }, '2025-02-28T00:00:00Z'),
      ),
    );
  });
  it('RET-MAX: 145.219 (2 y) and 145.A.55 (3 y) both apply ⇒ 3 y; a legal hold refuses any purge', () => {
    const both = purge(
      ['REPAIR_STATION', 'AMO'],
      { rts_date: '2022-05-31', crs_date: '2022-05-31' },
      '2024-12-01T00:00:00Z',
    );
    ok(audit('RET-FAA-145.219-c', both));
    fails(audit('RET-EASA-145.A.55', both));
    fails(
      audit(
        'RET-MAX',
        purge(['AMO'], { crs_date: '2020-01-01' }, '2025-06-01T00:00:00Z', { legal_hold: true }),
      ),
    );
    fails(audit('RET-MAX', { action: 'PURGE', retention: null }));
  });
  it('a missing date refuses the purge (fail closed)', () =>
    fails(audit('RET-EASA-145.A.55', purge(['AMO'], {}, '2025-06-01T00:00:00Z'))));
});
