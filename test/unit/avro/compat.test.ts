/**
 * The schema contract's compatibility policy (docs/schemas.md): every record schema the stages
 * register must stay BACKWARD compatible with every published version in avro/history/ (a consumer
 * on the new schema reads records written with any older one), checked with avsc's schema
 * resolution. The registry enforces the same mode on its subjects (test/integration/registry.test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { AVRO_DIR, loadContract } from '../../../core/contract.ts';

describe('schema compatibility (BACKWARD against avro/history)', () => {
  for (const contract of loadContract().values()) {
    const name = contract.recordSchema.name;
    const dir = `${AVRO_DIR}history/${name}`;
    const versions = readdirSync(dir).filter((f) => /^v\d+\.avsc$/.test(f));

    it(`${name} has at least one published version`, () =>
      assert.ok(versions.length > 0, `run npm run schemas:snapshot`));

    for (const file of versions) {
      it(`${name}: the current schema reads data written with ${file}`, () => {
        const old = avro.Type.forSchema(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
        assert.doesNotThrow(
          () => contract.recordType.createResolver(old),
          `${name} is not BACKWARD compatible with ${file}`,
        );
      });
    }
  }

  it('detects an incompatible change (a new field without a default)', () => {
    const contract = [...loadContract().values()][0];
    assert.ok(contract);
    const old = avro.Type.forSchema(contract.recordSchema as avro.Schema);
    const changed = avro.Type.forSchema({
      ...contract.recordSchema,
      fields: [...contract.recordSchema.fields, { name: 'new_required', type: 'string' }],
    } as avro.Schema);
    assert.throws(() => changed.createResolver(old));
  });
});
