/**
 * Promise 4 for the rules (issue #12 §16): no record makes a rule throw, and if one ever did, the
 * record is refused (RULE_ERROR) rather than the stage failing or retrying it for ever.
 * Property: records that pass their Avro schema — random values of the schema (avsc), mixed field
 * by field with the examples' realistic ones — go through every rule of every rule set, with and
 * without history and against a history built from the records before them; none throws.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AVRO_DIR, loadContract, type RouteName } from '../../../core/contract.ts';
import { historyUpdates } from '../../../rules/history.ts';
import { judge } from '../../../rules/index.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { sampleInstallation } from '../../../scripts/lib/sample.ts';
import { whileRuleThrows } from '../../support/rules.ts';

const contracts = loadContract();
const EXAMPLE_DIR: Record<RouteName, string> = {
  'parts-trace': 'parts-trace-event',
  logbook: 'logbook-entry',
  'compliance-audit': 'compliance-audit-event',
  measurements: 'measurement',
};
const examples = (route: RouteName) =>
  readdirSync(`${AVRO_DIR}examples/${EXAMPLE_DIR[route]}/valid`).map(
    (f) =>
      JSON.parse(readFileSync(`${AVRO_DIR}examples/${EXAMPLE_DIR[route]}/valid/${f}`, 'utf8')) as Record<
        string,
        unknown
      >,
  );
const REGISTRATIONS = ['D-AIBL', 'N123AZ', 'G-EUPT', 'VH-OQA'];
/** What a date field may hold: dates and date-times around the reference clock, and near misses. */
const DATES = [
  '2020-03-01',
  '2024-09-01',
  '2025-05-31',
  '2025-06-01',
  '2030-01-01',
  '2025-03-01T10:00:00Z',
  '2025-05-31T23:59:59+02:00',
  '2025-06-01T00:05:00Z',
  '1970-01-01T00:00:00Z',
  '2025-02-30',
  '2025-13-01T00:00:00Z',
  'soon',
  '',
];
const DATE_FIELD = /(_date|_at|_until|_from|date)$/;

/** The record with every string under a date-like key (at any depth) replaced by `next()`. */
function withDates<T>(value: T, next: () => string, key = ''): T {
  if (typeof value === 'string') return (DATE_FIELD.test(key) ? next() : value) as T;
  if (Array.isArray(value)) return value.map((v) => withDates(v, next, key)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDates(v, next, k)])) as T;
  return value;
}
const context = (registration: string) => ({
  work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
  aircraft_registration: registration,
  technician_badge_hash: '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2',
});

describe('no rule throws on a schema-valid record (property)', () => {
  for (const route of Object.keys(EXAMPLE_DIR) as RouteName[]) {
    it(`${route}: random records mixed with the examples, alone and in sequences over a history`, () => {
      const contract = contracts.get(route);
      assert.ok(contract);
      const base = examples(route);
      const record = fc
        .tuple(
          fc.nat(base.length - 1),
          fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
          fc.array(fc.nat(DATES.length - 1), { minLength: 64, maxLength: 64 }),
        )
        .map(([i, keep, dates]) => {
          const random = contract.payloadType.random() as unknown as Record<string, unknown>;
          const example = { ...(base[i] ?? {}) };
          const fields = Object.keys(random);
          const mixed = Object.fromEntries(
            fields.map((f, n) => [f, keep[n] && f in example ? example[f] : random[f]]),
          );
          // Random strings are almost never dates: date fields get real ones (and some broken ones).
          let n = 0;
          return withDates(mixed, () => DATES[dates[n++ % dates.length] ?? 0] ?? '');
        })
        // Only what the schema accepts reaches the rules (the ingress and the validators check it first).
        .filter((r) => contract.payloadType.isValid(r));
      fc.assert(
        fc.property(
          fc.array(fc.tuple(record, fc.constantFrom(...REGISTRATIONS)), { minLength: 1, maxLength: 6 }),
          (seq) => {
            const stores = new Map<string, unknown>();
            const read = { get: (s: string, k: string) => stores.get(`${s}|${k}`) };
            for (const [r, registration] of seq) {
              for (const history of [undefined, read]) {
                const j = judge(
                  route,
                  r,
                  context(registration),
                  DEFAULT_RULE_PARAMS,
                  new Date('2025-06-01T00:00:00Z'),
                  undefined,
                  history,
                );
                assert.deepEqual(j.failed, [], JSON.stringify(r));
              }
              for (const u of historyUpdates(route, r, r, registration, 't', read))
                stores.set(`${u.store}|${u.key}`, u.value);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('a rule that throws refuses the record as RULE_ERROR with its id, and the other rules still run', async () => {
    await whileRuleThrows('TRACE-DATE-1', () => {
      const example = sampleInstallation();
      const j = judge(
        'parts-trace',
        { ...example, airworthiness_certificate_ref: null },
        context('D-AIBL'),
        DEFAULT_RULE_PARAMS,
        new Date(),
      );
      assert.deepEqual(j.failed, ['TRACE-DATE-1']);
      assert.ok(j.errors.some((e) => e.rule === 'TRACE-DATE-1' && /could not judge/.test(e.message)));
      assert.ok(
        j.errors.some((e) => e.rule === 'TRACE-CERT-EASA'),
        'the other rules ran',
      );
    });
  });
});
