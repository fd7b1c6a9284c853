/** The edge outbox and its keys (issue #13): rotation, sealing, deterministic batches, settling. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { loadKeyring } from '../../../edge/keyring.ts';
import { openOutbox } from '../../../edge/outbox.ts';

const dir = mkdtempSync(`${tmpdir()}/airlock-outbox-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const keys = (current: string, ids: string[], file = `${dir}/keys-${current}.json`) => {
  writeFileSync(file, JSON.stringify({ current, keys: Object.fromEntries(ids.map((id) => [id, KEYS[id]])) }));
  return loadKeyring(file);
};
const KEYS: Record<string, string> = {
  k1: randomBytes(32).toString('base64'),
  k2: randomBytes(32).toString('base64'),
};
const context = (reg: string) => ({
  work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
  aircraft_registration: reg,
  technician_badge_hash: 'a'.repeat(64),
});
const item = (n: number, reg = 'D-AIBL') => ({
  route: 'parts-trace' as const,
  context: context(reg),
  record: JSON.stringify({ remarks: `secret ${n}` }),
  capturedAt: '2026-12-02T06:00:00Z',
  signerKid: 'tablet-7',
  signature: `h.p.sig-${n}-${reg}`,
});

describe('edge keyring', () => {
  it('a rotated key opens what the old one sealed; a wrong id or tampered data does not open', () => {
    const old = keys('k1', ['k1']);
    const sealed = old.seal(Buffer.from('record'), 'id-1');
    const rotated = keys('k2', ['k1', 'k2']);
    assert.equal(rotated.open(sealed, 'id-1').toString(), 'record');
    assert.equal(rotated.seal(Buffer.from('x'), 'id-2').keyId, 'k2');
    assert.throws(() => rotated.open(sealed, 'id-other'), 'the record id is authenticated');
    const tampered = { ...sealed, data: Buffer.from(sealed.data) };
    tampered.data[0] = (tampered.data[0] ?? 0) ^ 1;
    assert.throws(() => rotated.open(tampered, 'id-1'));
    assert.throws(() => keys('k2', ['k2']).open(sealed, 'id-1'), /not in the key file/);
  });

  it('refuses a key file without a current key or with a short key', () => {
    writeFileSync(`${dir}/bad.json`, JSON.stringify({ current: 'k9', keys: { k1: KEYS.k1 } }));
    assert.throws(() => loadKeyring(`${dir}/bad.json`), /no current key/);
    writeFileSync(`${dir}/short.json`, JSON.stringify({ current: 'k1', keys: { k1: 'c2hvcnQ=' } }));
    assert.throws(() => loadKeyring(`${dir}/short.json`), /32 bytes/);
  });
});

describe('edge outbox', () => {
  it('batches one group at a time in order, resends the batch in flight unchanged, and settles it', () => {
    const at = `${dir}/box1`;
    const box = openOutbox({
      dir: at,
      keyring: keys('k1', ['k1']),
      maxBytes: { airworthiness: 1e9, bulk: 1e9 },
    });
    box.enqueue([item(1), item(2), item(3, 'D-AIBM'), item(4)]);
    const first = box.nextBatch('lhr-7', 10);
    assert.deepEqual(
      first?.records.map((r) => r.record),
      [item(1).record, item(2).record],
    );
    // Station, this database's own id (a recreated folder starts its seqs again), first-last:count.
    assert.match(first?.inFlight.idempotencyKey ?? '', /^edge:lhr-7:[0-9a-f]{8}:1-2:2$/);
    // Asked again before it was settled (a restart): the same batch, the same key.
    assert.deepEqual(box.nextBatch('lhr-7', 10)?.inFlight, first?.inFlight);
    box.settle([1], [{ seq: 2, status: 422, code: 'RULE_VIOLATION', detail: 'no' }]);
    assert.deepEqual(
      box.rejects().map((r) => [r.seq, r.code, r.route]),
      [[2, 'RULE_VIOLATION', 'parts-trace']],
    );
    assert.deepEqual(box.nextBatch('lhr-7', 10)?.inFlight.seqs, [3]);
    box.close();
    // Nothing readable in the files.
    for (const f of readdirSync(at)) assert.ok(!readFileSync(`${at}/${f}`).includes('secret'), f);
  });

  it('refuses a request that would overfill its class, whole (507), and keeps what it had', () => {
    const box = openOutbox({
      dir: `${dir}/box2`,
      keyring: keys('k1', ['k1']),
      maxBytes: { airworthiness: 1200, bulk: 1e9 },
    });
    box.enqueue([item(1)]);
    assert.throws(
      () => box.enqueue([item(2), item(3), item(4), item(5)]),
      (err: { code?: string }) => err.code === 'OUTBOX_FULL',
    );
    assert.equal(box.stats().queued.airworthiness.records, 1);
    box.close();
  });

  it('the same signed item sent again is the same record (a lost 202 retried)', () => {
    const box = openOutbox({
      dir: `${dir}/box3`,
      keyring: keys('k1', ['k1']),
      maxBytes: { airworthiness: 1e9, bulk: 1e9 },
    });
    const [a] = box.enqueue([item(1)]);
    const [b] = box.enqueue([item(1)]);
    assert.deepEqual(b, a);
    assert.equal(box.stats().queued.airworthiness.records, 1);
    box.close();
  });

  it('a record that cannot be opened goes to the reject list instead of stopping the sync', () => {
    const at = `${dir}/box4`;
    const first = openOutbox({
      dir: at,
      keyring: keys('k1', ['k1']),
      maxBytes: { airworthiness: 1e9, bulk: 1e9 },
    });
    first.enqueue([item(1)]);
    first.close();
    const told: number[] = [];
    const rotated = openOutbox({
      dir: at,
      keyring: keys('k2', ['k1', 'k2'], `${dir}/keys-both.json`),
      maxBytes: { airworthiness: 1e9, bulk: 1e9 },
    });
    rotated.enqueue([{ ...item(2), signature: 'x.y.other' }]);
    rotated.close();
    // k1 removed before its record synced: that record cannot open, the next one still goes.
    const box = openOutbox({
      dir: at,
      keyring: keys('k2', ['k2'], `${dir}/keys-k2-only.json`),
      maxBytes: { airworthiness: 1e9, bulk: 1e9 },
      onUnreadable: (r) => told.push(...r.map((x) => x.seq)),
    });
    const batch = box.nextBatch('lhr-7', 10);
    assert.deepEqual(
      batch?.records.map((r) => r.record),
      [item(2).record],
    );
    assert.deepEqual(told, [1]);
    assert.deepEqual(
      box.rejects().map((r) => [r.seq, r.code]),
      [[1, 'UNREADABLE_AT_STATION']],
    );
    assert.equal(box.stats().queued.airworthiness.records, 1);
    box.close();
  });
});
