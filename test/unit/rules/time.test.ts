import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from './harness.ts';
import { crs, LOG } from './logbook.ts';

describe('TIME-1', () => {
  for (const v of [
    '2025-03-14T09:26:53Z',
    '2025-03-14T10:26:53+01:00',
    '2025-03-14T04:26:53.250-05:00',
    '2024-02-29T23:59:59+14:00',
  ]) {
    it(`✔ ${v}`, () => assert.deepEqual(run('TIME-1', { installation_date: v }), []));
  }
  for (const v of [
    '2025-03-14T09:26:53',
    '2025-03-14',
    '2025-02-30T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '2025-03-14 09:26:53Z',
    '2025-03-14T09:26:53+0100',
    '2025-03-14T23:59:60Z',
  ]) {
    it(`✘ ${v}`, () =>
      assert.deepEqual(
        run('TIME-1', { installation_date: v }).map((f) => f.path),
        ['/installation_date'],
      ));
  }
});

describe('TIME-2', () => {
  it('✘ 2025-03-14T09:26:53-00:00', () =>
    assert.equal(run('TIME-2', { installation_date: '2025-03-14T09:26:53-00:00' }).length, 1));
  it('✔ 2025-03-14T09:26:53+00:00', () =>
    assert.deepEqual(run('TIME-2', { installation_date: '2025-03-14T09:26:53+00:00' }), []));
  it('-00:00 is TIME-2’s, not TIME-1’s', () =>
    assert.deepEqual(run('TIME-1', { installation_date: '2025-03-14T09:26:53-00:00' }), []));
});

describe('TIME-5', () => {
  it('✔ release_date: 2025-02-01', () => assert.deepEqual(run('TIME-5', { release_date: '2025-02-01' }), []));
  it('✘ release_date: 2025-02-30', () =>
    assert.equal(run('TIME-5', { release_date: '2025-02-30' }).length, 1));
  it('✘ installation_date: 2025-02-01 (date only is for release_date alone)', () =>
    assert.equal(run('TIME-1', { installation_date: '2025-02-01' }).length, 1));
});

describe('TRACE-DATE-1 (now 2025-06-01T00:00:00Z, skew 5 min)', () => {
  for (const v of ['2025-05-31T23:59:00Z', '2025-06-01T00:04:00Z'])
    it(`✔ ${v}`, () => assert.deepEqual(run('TRACE-DATE-1', { installation_date: v }), []));
  it('✘ 2025-06-02T00:00:00Z', () =>
    assert.equal(run('TRACE-DATE-1', { installation_date: '2025-06-02T00:00:00Z' }).length, 1));
});

describe('TIME-1 and TIME-2 on the logbook', () => {
  it('✘ completion_date without offset, crs.issued_at with -00:00', () => {
    assert.deepEqual(
      run('TIME-1', { completion_date: '2025-03-14T09:26:53' }, { base: LOG, registration: 'D-AIBL' }).map(
        (f) => f.path,
      ),
      ['/completion_date'],
    );
    assert.deepEqual(
      run(
        'TIME-2',
        { crs: { ...crs, issued_at: '2025-03-14T09:26:53-00:00' } },
        { base: LOG, registration: 'D-AIBL' },
      ).map((f) => f.path),
      ['/crs/issued_at'],
    );
  });
});
