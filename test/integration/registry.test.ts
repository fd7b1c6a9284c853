/**
 * The registry (Apicurio through its Confluent-compatible API here) enforces BACKWARD compatibility
 * on the subjects Airlock registers: a compatible change gets a new id, an incompatible one is
 * refused and reported as a permanent (non-retriable) error.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { loadContract } from '../../core/contract.ts';
import { AirlockError } from '../../core/errors.ts';
import { registerSchema } from '../../core/registry.ts';
import { uid } from '../support/kafka.ts';
import { type Services, services } from '../support/services.ts';

describe('schema registry compatibility (real registry)', () => {
  let s: Services;
  before(async () => {
    s = await services();
  });

  it('sets BACKWARD on a new subject, accepts a compatible change, refuses an incompatible one', async () => {
    const registry = new SchemaRegistry({ host: s.registryUrl });
    const subject = `test-${uid()}-value`;
    const schema = [...loadContract().values()][0]?.recordSchema;
    assert.ok(schema);
    const v1 = await registerSchema(registry, subject, schema);

    const config = await fetch(`${s.registryUrl}/config/${subject}`).then(
      (r) => r.json() as Promise<{ compatibilityLevel: string }>,
    );
    assert.equal(config.compatibilityLevel, 'BACKWARD');

    const compatible = {
      ...schema,
      fields: [...schema.fields, { name: 'note', type: ['null', 'string'], default: null, doc: 'x' }],
    };
    const v2 = await registerSchema(registry, subject, compatible);
    assert.notEqual(v2, v1);

    const incompatible = {
      ...schema,
      fields: [...schema.fields, { name: 'required_now', type: 'string', doc: 'x' }],
    };
    await assert.rejects(registerSchema(registry, subject, incompatible), (err: unknown) => {
      assert.ok(err instanceof AirlockError);
      assert.equal(err.retriable, false, err.message);
      assert.match(err.message, /HTTP 409/);
      return true;
    });
    await fetch(`${s.registryUrl}/subjects/${subject}`, { method: 'DELETE' });
  });
});
