/** Partition keys per route (DESIGN.md "Records", issue #11). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordKey, routeKey } from '../../../core/contract.ts';

describe('partition keys', () => {
  it('logbook and compliance-audit records are keyed by the aircraft, normalised', () => {
    assert.equal(routeKey('logbook', {}, 'D-AIBL'), 'D-AIBL');
    assert.equal(routeKey('compliance-audit', { part_number: 'X' }, ' d-aibl '), 'D-AIBL');
  });

  it('parts-trace events are keyed by the part: every event of one serialised part in one partition', () => {
    const install = { part_number: '2314567-3', serial_number: 'SN12345K', installation_status: 'installed' };
    const removal = { ...install, serial_number: ' sn12345k', installation_status: 'removed' };
    assert.equal(routeKey('parts-trace', install, 'D-AIBL'), '2314567-3|SN12345K');
    assert.equal(routeKey('parts-trace', removal, 'D-AIBM'), routeKey('parts-trace', install, 'D-AIBL'));
    assert.notEqual(
      routeKey('parts-trace', { ...install, serial_number: 'SN12346K' }, 'D-AIBL'),
      '2314567-3|SN12345K',
    );
  });

  it('a batch-controlled item (serial N/A) is keyed by part number and lot, not by "N/A"', () => {
    const a = recordKey(
      'part',
      { part_number: 'MS20470AD4', serial_number: 'N/A', batch_lot_code: 'L-1' },
      'D-AIBL',
    );
    const b = recordKey(
      'part',
      { part_number: 'MS20470AD4', serial_number: 'N/A', batch_lot_code: 'L-2' },
      'D-AIBL',
    );
    assert.equal(a, 'MS20470AD4|LOT:L-1');
    assert.notEqual(a, b);
  });
});
