import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { AVRO_DIR, loadContract, ROUTES, readSchema } from '../../../core/contract.ts';
import { checkAgainst } from '../../../core/schema-check.ts';

const contracts = loadContract();

function undocumented(schema: unknown, at = ''): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => undocumented(s, `${at}[${i}]`));
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as {
    type?: unknown;
    fields?: { name: string; doc?: string; type: unknown }[];
    items?: unknown;
  };
  const out: string[] = [];
  for (const f of s.fields ?? []) {
    if (!f.doc) out.push(`${at}.${f.name}`);
    out.push(...undocumented(f.type, `${at}.${f.name}`));
  }
  if (s.items) out.push(...undocumented(s.items, `${at}[]`));
  if (typeof s.type === 'object') out.push(...undocumented(s.type, at));
  return out;
}

describe('avro/ contract', () => {
  it('every field of every schema has a doc', () => {
    for (const file of readdirSync(AVRO_DIR).filter((f) => f.endsWith('.avsc'))) {
      assert.deepEqual(undocumented(readSchema(file)), [], `${file} has fields without doc`);
    }
  });

  for (const [route, c] of contracts) {
    const dir = `${AVRO_DIR}examples/${ROUTES[route].schemaFile.replace(/\.avsc$/, '')}`;

    it(`${route}: the envelope record is named after its payload`, () => {
      const expected = {
        logbook: 'LogbookRecord',
        'parts-trace': 'PartsTraceRecord',
        'compliance-audit': 'ComplianceAuditRecord',
      }[route];
      assert.equal(`${c.recordSchema.namespace}.${c.recordSchema.name}`, `airlock.mro.${expected}`);
      assert.ok(avro.Type.forSchema(c.recordSchema as avro.Schema));
    });

    for (const file of readdirSync(`${dir}/valid`)) {
      it(`${route}: valid example ${file} passes and round-trips through Avro binary`, () => {
        const example = JSON.parse(readFileSync(`${dir}/valid/${file}`, 'utf8'));
        const r = checkAgainst(c.payloadType, example);
        assert.ok(r.ok, JSON.stringify(!r.ok && r.reasons));
        const decoded = c.payloadType.fromBuffer(c.payloadType.toBuffer(r.value));
        for (const [k, v] of Object.entries(example))
          assert.deepEqual(JSON.parse(JSON.stringify(decoded[k])), v, k);
      });
    }

    for (const file of readdirSync(`${dir}/invalid`)) {
      it(`${route}: invalid example ${file} fails at the expected paths`, () => {
        const { expect, record } = JSON.parse(readFileSync(`${dir}/invalid/${file}`, 'utf8')) as {
          expect: string[];
          record: unknown;
        };
        const r = checkAgainst(c.payloadType, record);
        assert.ok(!r.ok, 'accepted an invalid example');
        assert.deepEqual(r.reasons.map((x) => x.path).sort(), [...expect].sort());
        assert.ok(r.reasons.every((x) => x.rule === 'AVRO-SCHEMA' && x.code === 'SCHEMA_VIOLATION'));
      });
    }
  }

  it('rejects a body that is not an object, and never coerces', () => {
    const c = contracts.get('parts-trace');
    assert.ok(c);
    for (const body of [null, [], 'x', 1]) {
      const r = checkAgainst(c.payloadType, body);
      assert.ok(!r.ok);
      assert.equal(r.reasons[0]?.path, '');
    }
  });

  it('escapes JSON pointer segments (RFC 6901)', () => {
    const c = contracts.get('parts-trace');
    assert.ok(c);
    const example = JSON.parse(
      readFileSync(`${AVRO_DIR}examples/parts-trace-event/valid/batch-item.json`, 'utf8'),
    );
    const r = checkAgainst(c.payloadType, { ...example, 'a/b~c': 1 });
    assert.ok(!r.ok);
    assert.equal(r.reasons[0]?.path, '/a~1b~0c');
  });
});
