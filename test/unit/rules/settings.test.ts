import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge } from '../../../rules/index.ts';
import { parseRuleFile } from '../../../rules/settings.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { base, NOW } from './harness.ts';

const ctx = {
  work_order_id: '3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9a0b3c',
  aircraft_registration: 'D-AIBL',
  technician_badge_hash: '19d7da11e08c9214893b0cc9ed91256e59a6e13dc98bbf820708f2706f437be2',
};

describe('rule-set configuration file', () => {
  it('overrides parameters, switches rules off, and carries its version into the judgement', () => {
    const params = parseRuleFile(
      JSON.stringify({ version: '2026-11-21.1', serialChecksum: 'error', disabled: ['TRACE-CERT-EASA'] }),
      DEFAULT_RULE_PARAMS,
    );
    assert.equal(params.serialChecksum, 'error');
    assert.equal(params.clockSkewMs, DEFAULT_RULE_PARAMS.clockSkewMs);
    const j = judge('parts-trace', { ...base, airworthiness_certificate_ref: null }, ctx, params, NOW);
    assert.deepEqual(j.errors, [], 'TRACE-CERT-EASA is off');
    assert.equal(j.version, 'airlock-rules/2+2026-11-21.1');
    const on = judge(
      'parts-trace',
      { ...base, airworthiness_certificate_ref: null },
      ctx,
      DEFAULT_RULE_PARAMS,
      NOW,
    );
    assert.deepEqual(
      on.errors.map((e) => e.rule),
      ['TRACE-CERT-EASA'],
    );
  });

  it("a parameter the file leaves out keeps the environment's value, not the default", () => {
    const env = {
      ...DEFAULT_RULE_PARAMS,
      clockSkewMs: 60_000,
      referenceData: 'off' as const,
      version: 'env',
    };
    const params = parseRuleFile('{"version":"2"}', env);
    assert.equal(params.clockSkewMs, 60_000);
    assert.equal(params.referenceData, 'off');
    assert.equal(params.serialChecksum, env.serialChecksum);
  });

  it('refuses a file without a version, with an unknown rule id, or with an unknown key', () => {
    assert.throws(() => parseRuleFile('{}', DEFAULT_RULE_PARAMS), /version/);
    assert.throws(
      () => parseRuleFile('{"version":"1","disabled":["NO-SUCH-RULE"]}', DEFAULT_RULE_PARAMS),
      /not a rule id/,
    );
    assert.throws(() => parseRuleFile('{"version":"1","colour":"red"}', DEFAULT_RULE_PARAMS));
    assert.throws(() => parseRuleFile('not json', DEFAULT_RULE_PARAMS));
  });
});
