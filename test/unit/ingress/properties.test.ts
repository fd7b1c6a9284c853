/**
 * Property-based (fast-check): whatever the maintenance-context header and the body, the ingress
 * answers with a 4xx (or 202 for a valid record) and problem+json, never a 5xx, and the decoders
 * never throw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadContract } from '../../../core/contract.ts';
import { checkAgainst } from '../../../core/schema-check.ts';
import { decodeContextHeader } from '../../../rules/context.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../../scripts/lib/sample.ts';
import { testIngress } from '../../support/ingress-app.ts';

const { app } = testIngress({ env: { AIRLOCK_INGRESS_MAX_BODY_BYTES: '65536' } });
const payloads = loadContract().get('parts-trace')?.payloadType;

// JSON values that look like records: the sample with fields replaced, dropped or added.
const recordish = fc.record({
  drop: fc.subarray(Object.keys(sampleRecord())),
  set: fc.dictionary(
    fc.constantFrom(...Object.keys(sampleRecord()), '__proto__', 'constructor', 'extra'),
    fc.jsonValue(),
  ),
});

describe('ingress properties', () => {
  it('decodeContextHeader never throws, whatever the header', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.base64String(),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64')),
        ),
        (h) => {
          const r = decodeContextHeader(h);
          assert.equal(typeof r.ok, 'boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('checkAgainst never throws, whatever the JSON value', () => {
    assert.ok(payloads);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = checkAgainst(payloads, v);
        assert.equal(typeof r.ok, 'boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('no context header or body makes the ingress answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.constant(contextHeader(sampleContext()))),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
          recordish.map(({ drop, set }) => {
            const r: Record<string, unknown> = { ...sampleRecord() };
            for (const k of drop) delete r[k];
            return JSON.stringify({ ...r, ...set });
          }),
        ),
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-ndjson',
        ),
        async (ctx, payload, type) => {
          const res = await app.inject({
            method: 'POST',
            url: '/v1/parts/trace',
            headers: { 'content-type': type, 'x-maintenance-context': ctx },
            payload,
          });
          assert.ok(
            res.statusCode < 500,
            `${res.statusCode} for ${JSON.stringify({ ctx, payload, type })}: ${res.body}`,
          );
          if (res.statusCode >= 400)
            assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
