/** The catalogue's rule id on schema violations (issue #12 §19). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AVRO_DIR, loadContract, ROUTES } from '../../../core/contract.ts';
import { checkAgainst } from '../../../core/schema-check.ts';
import { SCHEMA_RULES, schemaRuleFor, UNDECLARED_RULE_PATHS } from '../../../rules/schema-rules.ts';
import { ROOT } from '../../../scripts/lib/stack-env.ts';

/** Every field path of a schema, array indices as `*`. */
function paths(schema: unknown, at = ''): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s) => paths(s, at));
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as { type?: unknown; fields?: { name: string; type: unknown }[]; items?: unknown };
  return [
    ...(s.fields ?? []).flatMap((f) => [`${at}/${f.name}`, ...paths(f.type, `${at}/${f.name}`)]),
    ...(s.items ? paths(s.items, `${at}/*`) : []),
    ...(typeof s.type === 'object' ? paths(s.type, at) : []),
  ];
}

const catalogueIds = new Set(
  [
    ...readFileSync(`${ROOT}docs/rules.md`, 'utf8').matchAll(
      /^\| `?([A-Z][A-Z0-9.-]+-[A-Za-z0-9.-]+)`? \|/gm,
    ),
  ].map((m) => m[1]),
);

describe('schema violations carry the catalogue rule id', () => {
  const contracts = loadContract();

  for (const [route, table] of Object.entries(SCHEMA_RULES) as [
    keyof typeof SCHEMA_RULES,
    Record<string, string>,
  ][]) {
    it(`${route}: every path is a field of the schema, every rule id is in the catalogue`, () => {
      const c = contracts.get(route);
      assert.ok(c);
      const fields = new Set(paths(c.payloadSchema));
      for (const [path, rule] of Object.entries(table)) {
        assert.ok(
          fields.has(path) || UNDECLARED_RULE_PATHS.has(path),
          `${route}: ${path} is not in the schema`,
        );
        assert.ok(catalogueIds.has(rule), `${route}: ${rule} (for ${path}) is not in docs/rules.md`);
      }
    });
  }

  it('the longest listed path wins; array indices match *; a field not in the schema only by its own path', () => {
    const logbook = schemaRuleFor('logbook');
    assert.equal(logbook('/approver/certificate_kind', false), 'FAA-43.9-a4');
    assert.equal(logbook('/crs/certifying_staff_badge_hash', false), 'CTX-BADGE-2');
    assert.equal(logbook('/crs/limitations/3', false), 'EASA-CRS-CONTENT');
    assert.equal(logbook('/tech_log/deferred_defects/0/occurred_on', false), 'EASA-M.A.306-a');
    assert.equal(logbook('/crs/colour', true), undefined);
    assert.equal(logbook('/entry_type', false), undefined);
    assert.equal(schemaRuleFor('compliance-audit')('/received_at', true), 'ESIG-TIME-1');
  });

  for (const [route, c] of loadContract()) {
    const dir = `${AVRO_DIR}examples/${ROUTES[route].schemaFile.replace(/\.avsc$/, '')}/invalid`;
    for (const file of readdirSync(dir)) {
      it(`${route}: invalid example ${file} names the rules it breaks`, () => {
        const { expect, rules, record } = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as {
          expect: string[];
          rules: string[];
          record: unknown;
        };
        const r = checkAgainst(c.payloadType, record, schemaRuleFor(route));
        assert.ok(!r.ok);
        const byPath = new Map(r.reasons.map((x) => [x.path, x.rule]));
        assert.deepEqual(
          expect.map((p) => byPath.get(p)),
          rules,
        );
      });
    }
  }
});
