/**
 * `npm run openapi`: writes docs/openapi.json (the OpenAPI 3.1 document of the ingress with the
 * default limits, ingress/openapi.ts) and docs/openapi.html (the same, for people). A unit test
 * fails when the committed files and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { configSchema } from '../core/config/schema.ts';
import { loadContract } from '../core/contract.ts';
import { openApiDocument } from '../ingress/openapi.ts';
import { renderOpenApiHtml } from './lib/openapi-html.ts';
import { ROOT } from './lib/stack-env.ts';

export function committedDocument() {
  const ingress = configSchema.shape.ingress.parse({});
  return openApiDocument(loadContract(), {
    maxRecordsPerRequest: ingress.maxRecordsPerRequest,
    maxBodyBytes: ingress.maxBodyBytes,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const doc = committedDocument();
  writeFileSync(`${ROOT}docs/openapi.json`, `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(`${ROOT}docs/openapi.html`, renderOpenApiHtml(doc));
  console.log('wrote docs/openapi.json and docs/openapi.html');
}
