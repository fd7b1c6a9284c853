/** `npm run schemas:types`: writes core/generated/avro-types.ts from the composed record schemas. */
import { writeFileSync } from 'node:fs';
import { loadContract } from '../core/contract.ts';
import { BANNER, renderTypes } from './lib/avro-to-ts.ts';
import { ROOT } from './lib/stack-env.ts';

export function generatedTypes(): string {
  return `${BANNER}\n${renderTypes([...loadContract().values()].map((c) => c.recordSchema))}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(`${ROOT}core/generated/avro-types.ts`, generatedTypes());
  console.log('wrote core/generated/avro-types.ts');
}
