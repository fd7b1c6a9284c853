/**
 * The OpenAPI document (issue #15 §1): a valid OpenAPI 3.1 document, committed as docs/openapi.json
 * exactly as the code builds it, and in agreement with what the ingress enforces: every avro/
 * example and a set of variants of each is accepted by the document's body schema exactly when the
 * ingress's Avro check accepts it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { AVRO_DIR, loadContract, ROUTES } from '../../../core/contract.ts';
import { checkAgainst } from '../../../core/schema-check.ts';
import { renderOpenApiHtml } from '../../../scripts/lib/openapi-html.ts';
import { committedDocument } from '../../../scripts/openapi.ts';

const contracts = loadContract();
const doc = committedDocument();
const docsDir = new URL('../../../docs/', import.meta.url);

/** The body schema of a route's single-record form, compiled with the document's components. */
function bodyValidator(path: string) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, 'openapi');
  const op = (
    doc.paths as Record<
      string,
      { post: { requestBody: { content: Record<string, { schema: { oneOf: unknown[] } }> } } }
    >
  )[path];
  const one = op?.post.requestBody.content['application/json']?.schema.oneOf[0] as { $ref: string };
  const validate = ajv.getSchema(`openapi${one.$ref}`);
  assert.ok(validate, `no schema at ${one.$ref}`);
  return validate;
}

/** Variants of a valid record: each required field removed, an unknown field, each string too long. */
function variants(record: Record<string, unknown>, schema: { fields: { name: string; type: unknown }[] }) {
  const out: [string, unknown][] = [['as is', record]];
  for (const f of schema.fields) {
    const { [f.name]: _, ...without } = record;
    out.push([`without ${f.name}`, without]);
    const max = (f.type as { maxLength?: number }).maxLength;
    if (typeof max === 'number')
      out.push([`${f.name} too long`, { ...record, [f.name]: 'x'.repeat(max + 1) }]);
    out.push([`${f.name} as an object`, { ...record, [f.name]: { a: 1 } }]);
  }
  out.push(['an unknown field', { ...record, colour: 'red' }]);
  return out;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await new Validator().validate(structuredClone(doc));
    assert.ok(res.valid, JSON.stringify(res.errors, null, 2));
  });

  it('docs/openapi.json and docs/openapi.html are what `npm run openapi` writes from today’s code', () => {
    assert.deepEqual(
      JSON.parse(readFileSync(new URL('openapi.json', docsDir), 'utf8')),
      doc,
      'run npm run openapi',
    );
    assert.equal(
      readFileSync(new URL('openapi.html', docsDir), 'utf8'),
      renderOpenApiHtml(doc),
      'run npm run openapi',
    );
  });

  it('has a POST for every route, every problem status the ingress answers, and both security schemes', () => {
    const paths = doc.paths as Record<string, { post?: { responses: Record<string, unknown> } }>;
    for (const route of Object.values(ROUTES)) {
      const responses = paths[route.httpPath]?.post?.responses ?? {};
      for (const status of [
        '202',
        '207',
        '400',
        '401',
        '403',
        '409',
        '413',
        '415',
        '421',
        '422',
        '429',
        '503',
      ])
        assert.ok(status in responses, `${route.httpPath} ${status}`);
    }
    assert.deepEqual(doc.security, [{ mutualTLS: [], bearer: [] }]);
  });

  for (const [route, c] of contracts) {
    const dir = `${AVRO_DIR}examples/${ROUTES[route].schemaFile.replace(/\.avsc$/, '')}`;
    it(`${route}: accepts exactly what the ingress's schema check accepts (examples and their variants)`, () => {
      const validate = bodyValidator(ROUTES[route].httpPath);
      const cases: [string, unknown][] = [];
      for (const f of readdirSync(`${dir}/valid`)) {
        const record = JSON.parse(readFileSync(`${dir}/valid/${f}`, 'utf8'));
        cases.push(
          ...variants(record, c.payloadSchema as never).map(([n, v]): [string, unknown] => [`${f} ${n}`, v]),
        );
      }
      for (const f of readdirSync(`${dir}/invalid`))
        cases.push([`invalid/${f}`, JSON.parse(readFileSync(`${dir}/invalid/${f}`, 'utf8')).record]);
      for (const [name, value] of cases) {
        const avroOk = checkAgainst(c.payloadType, value).ok;
        assert.equal(validate(value), avroOk, `${name}: the document says ${!avroOk}, the ingress ${avroOk}`);
      }
    });
  }
});
