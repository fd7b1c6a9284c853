import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { AVRO_DIR, loadContract, ROUTES, readSchema } from '../../../core/contract.ts';
import { checkAgainst, MAX_REASONS } from '../../../core/schema-check.ts';
import { sampleRecord } from '../../../scripts/lib/sample.ts';

const contracts = loadContract();

const logbookExample = (): Record<string, unknown> =>
  JSON.parse(readFileSync(`${AVRO_DIR}examples/logbook-entry/valid/crs-easa.json`, 'utf8'));

/** Paths of string types without a maxLength (issue #12 §13). */
function unbounded(schema: unknown, at = ''): string[] {
  if (schema === 'string') return [at];
  if (Array.isArray(schema)) return schema.flatMap((s) => unbounded(s, at));
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as {
    type?: unknown;
    fields?: { name: string; type: unknown }[];
    items?: unknown;
    values?: unknown;
    maxLength?: unknown;
  };
  if (s.type === 'string') return typeof s.maxLength === 'number' ? [] : [at];
  return [
    ...(s.fields ?? []).flatMap((f) => unbounded(f.type, `${at}/${f.name}`)),
    ...(s.items ? unbounded(s.items, `${at}/[]`) : []),
    ...(s.values ? unbounded(s.values, `${at}/{}`) : []),
    ...(typeof s.type === 'object' ? unbounded(s.type, at) : []),
  ];
}

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
        measurements: 'MeasurementRecord',
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

  it('every string of every record schema declares a maxLength', () => {
    for (const c of contracts.values())
      assert.deepEqual(
        unbounded(c.payloadSchema),
        [],
        `${c.payloadSchema.name} has strings without maxLength`,
      );
  });

  it('refuses a string over its maxLength, in code points (issue #12 §13)', () => {
    const c = contracts.get('parts-trace');
    assert.ok(c);
    assert.ok(checkAgainst(c.payloadType, { ...sampleRecord(), remarks: 'x'.repeat(4000) }).ok);
    const long = checkAgainst(c.payloadType, { ...sampleRecord(), remarks: 'x'.repeat(4001) });
    assert.ok(!long.ok);
    assert.deepEqual(
      long.reasons.map((r) => [r.path, r.message]),
      [['/remarks', 'longer than 4000 characters']],
    );
    // 4000 astral characters are 8000 UTF-16 units, and still 4000 characters.
    assert.ok(checkAgainst(c.payloadType, { ...sampleRecord(), remarks: '✈️'.slice(0, 1).repeat(4000) }).ok);
    assert.ok(checkAgainst(c.payloadType, { ...sampleRecord(), remarks: '𝛼'.repeat(4000) }).ok);
    assert.ok(!checkAgainst(c.payloadType, { ...sampleRecord(), remarks: '𝛼'.repeat(4001) }).ok);
    // Inside arrays too.
    const l = contracts.get('logbook');
    assert.ok(l);
    const entry = logbookExample();
    const tasks = checkAgainst(l.payloadType, { ...entry, incomplete_tasks: ['ok', 'y'.repeat(2001)] });
    assert.ok(!tasks.ok);
    assert.deepEqual(
      tasks.reasons.map((r) => r.path),
      ['/incomplete_tasks/1'],
    );
  });

  it('refuses numbers that overflow to Infinity, control and bidi-override characters, lone surrogates (issue #12 §15)', () => {
    const c = contracts.get('parts-trace');
    assert.ok(c);
    const cases: [string, unknown][] = [
      ['NUL', 'a\u0000b'],
      ['ESC', 'a\u001bb'],
      ['DEL', 'a\u007fb'],
      ['C1', 'a\u0085b'],
      ['RLO', 'a\u202eb'],
      ['LRI', 'a\u2066b'],
      ['lone high surrogate', 'a\ud800b'],
      ['lone low surrogate', 'a\udc00'],
    ];
    for (const [name, remarks] of cases) {
      const r = checkAgainst(c.payloadType, { ...sampleRecord(), remarks });
      assert.ok(!r.ok, name);
      assert.equal(r.reasons[0]?.path, '/remarks', name);
    }
    // Accepted on purpose: tab, line breaks, right-to-left marks (docs/api.md).
    for (const remarks of ['a\tb\nc\r\n', 'שלום \u200f(A320)', 'مرحبا \u061c'])
      assert.ok(checkAgainst(c.payloadType, { ...sampleRecord(), remarks }).ok, JSON.stringify(remarks));
    // JSON.parse turns 1e400 into Infinity; no numeric field takes it (double or long, nested or not).
    const l = contracts.get('logbook');
    assert.ok(l);
    for (const [type, body, path] of [
      [
        l.payloadType,
        { ...logbookExample(), aircraft_total_time_hours: JSON.parse('1e400') },
        '/aircraft_total_time_hours',
      ],
      [
        c.payloadType,
        { ...sampleRecord(), life_status: { hours: JSON.parse('-1e400') } },
        '/life_status/hours',
      ],
      [
        c.payloadType,
        { ...sampleRecord(), life_status: { cycles: JSON.parse('1e400') } },
        '/life_status/cycles',
      ],
    ] as const) {
      const r = checkAgainst(type, body);
      assert.ok(!r.ok, path);
      assert.equal(r.reasons[0]?.path, path);
    }
  });

  it(`reports at most ${MAX_REASONS} violations and counts the rest (issue #12 §13)`, () => {
    const c = contracts.get('parts-trace');
    assert.ok(c);
    const extra = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, i]));
    const r = checkAgainst(c.payloadType, { ...sampleRecord(), ...extra });
    assert.ok(!r.ok);
    assert.equal(r.reasons.length, MAX_REASONS);
    assert.equal(r.omitted, 60_000 - MAX_REASONS);
  });
});
