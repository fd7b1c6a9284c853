import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkContext, decodeContextHeader } from '../../../rules/context.ts';

const badge = '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2';
const good = {
  work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
  aircraft_registration: 'D-AIBL',
  technician_badge_hash: badge,
};
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');

function ruleOf(v: unknown): string | undefined {
  const r = checkContext(v);
  return r.ok ? undefined : r.reason.rule;
}

describe('maintenance context', () => {
  it('accepts a well-formed context and emits the work order in lowercase', () => {
    const r = decodeContextHeader(b64({ ...good, work_order_id: '3F2B8C1E-9D4A-4F6B-BA2C-1E5D7F9A0B3C' }));
    assert.ok(r.ok);
    assert.equal(r.context.work_order_id, '3f2b8c1e-9d4a-4f6b-ba2c-1e5d7f9a0b3c');
  });

  describe('CTX-WO-1 vectors', () => {
    for (const wo of [
      '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      '3f2b8c1e-9d4a-4f6b-ca2c-1e5d7f9a0b3c',
      '00000000-0000-0000-0000-000000000000',
      '3f2b8c1e9d4a4f6b8a2c1e5d7f9a0b3c',
    ]) {
      it(`rejects ${wo}`, () => assert.equal(ruleOf({ ...good, work_order_id: wo }), 'CTX-WO-1'));
    }
  });

  describe('CTX-BADGE-1 vectors', () => {
    for (const h of [badge.toUpperCase(), badge.slice(1), `sha256:${badge}`]) {
      it(`rejects ${h.slice(0, 12)}…`, () =>
        assert.equal(ruleOf({ ...good, technician_badge_hash: h }), 'CTX-BADGE-1'));
    }
  });

  describe('REG-ICAO-1 canonical form', () => {
    for (const reg of ['d-aibl', 'D AIBL', ' D-AIBL', 'D--AIBL', '']) {
      it(`rejects "${reg}"`, () =>
        assert.equal(ruleOf({ ...good, aircraft_registration: reg }), 'REG-ICAO-1'));
    }
    for (const reg of ['D-AIBL', 'N123AZ', 'JA8089', '9V-SKA']) {
      it(`accepts ${reg}`, () => assert.equal(ruleOf({ ...good, aircraft_registration: reg }), undefined));
    }
  });

  describe('the ICAO table (REGULATORY.md §2) in the context', () => {
    for (const [reg, rule] of [
      ['D-ZABC', 'REG-ICAO-2'],
      ['G-ABC', 'REG-ICAO-2'],
      ['N0123', 'REG-N-1'],
      ['N-12345', 'REG-N-1'],
    ]) {
      it(`rejects ${reg} (${rule})`, () =>
        assert.equal(ruleOf({ ...good, aircraft_registration: reg }), rule));
    }
    it('lets an unknown nationality mark through (rule set OTHER, flagged for review later)', () =>
      assert.equal(ruleOf({ ...good, aircraft_registration: 'ZZ-ABC' }), undefined));
    // Issue #12 §18: a state under rule set OTHER is judged by REG-ICAO-2 (a WARN), not refused here.
    for (const reg of ['JA-8089', 'VH-OQ', 'VH-1234', 'C-ABCD', 'B-123', 'B1234', '9V-SK', 'A6-1234'])
      it(`lets ${reg} through to REG-ICAO-2 (a state of rule set OTHER)`, () =>
        assert.equal(ruleOf({ ...good, aircraft_registration: reg }), undefined));
  });

  describe('a mark without its hyphen does not escape its rule set (issue #12 §17)', () => {
    for (const [reg, canonical] of [
      ['DAIBL', 'D-AIBL'],
      ['GEUPT', 'G-EUPT'],
      ['FGKXA', 'F-GKXA'],
      ['HBJCA', 'HB-JCA'],
      ['EIDVM', 'EI-DVM'],
      ['DA-IBL', 'D-AIBL'],
    ]) {
      it(`${reg}: 403 REG-ICAO-1 naming ${canonical}`, () => {
        const r = checkContext({ ...good, aircraft_registration: reg });
        assert.ok(!r.ok);
        assert.equal(r.reason.rule, 'REG-ICAO-1');
        assert.match(r.reason.message, new RegExp(`write ${canonical} `));
      });
    }
  });

  it('rejects unknown and prototype-polluting fields', () => {
    assert.equal(ruleOf({ ...good, extra: 1 }), 'CTX');
    assert.equal(ruleOf(JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(good).slice(1)}`)), 'CTX');
  });

  it('rejects missing, repeated, oversized, non-strict base64 and non-object headers', () => {
    const cases: [string | string[] | undefined, string][] = [
      [undefined, 'required'],
      [[b64(good), b64(good)], 'exactly one'],
      ['A'.repeat(2000), 'bytes'],
      ['eyJ4IjoxfQ', 'base64'], // {"x":1} without its == padding
      [`${b64(good).slice(0, 8)}\n${b64(good).slice(8)}`, 'base64'],
      [b64(JSON.stringify(good)).replaceAll('+', '-').replaceAll('/', '_').replace(/^/, '-_'), 'base64'],
      [b64('not json'), 'JSON object'],
      [b64([good]), 'JSON object'],
    ];
    for (const [header, fragment] of cases) {
      const r = decodeContextHeader(header);
      assert.ok(!r.ok, `accepted ${String(header).slice(0, 20)}`);
      assert.match(r.reason.message, new RegExp(fragment));
      assert.equal(r.reason.code, 'CONTEXT_INVALID');
    }
  });
});
