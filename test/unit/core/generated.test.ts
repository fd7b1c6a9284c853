/** The generated TypeScript types match avro/: regenerating leaves no difference. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedTypes } from '../../../scripts/gen-types.ts';

describe('core/generated/avro-types.ts', () => {
  it('is what `npm run schemas:types` generates from avro/ now (run it after changing a schema)', () => {
    const committed = readFileSync(new URL('../../../core/generated/avro-types.ts', import.meta.url), 'utf8');
    assert.equal(committed, generatedTypes());
  });
});
