/**
 * `npm run schemas:snapshot`: records the current composed record schemas (what the stages register)
 * as the next published version in avro/history/<Record>/v<N>.avsc, when they differ from the last
 * one. test/unit/avro/compat.test.ts then holds every later change to BACKWARD compatibility with
 * all of them. Run it when a schema change is released; commit the new file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AVRO_DIR, loadContract } from '../core/contract.ts';

for (const contract of loadContract().values()) {
  const dir = `${AVRO_DIR}history/${contract.recordSchema.name}`;
  mkdirSync(dir, { recursive: true });
  const versions = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^v(\d+)\.avsc$/.exec(f)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number)
        .sort((a, b) => a - b)
    : [];
  const current = `${JSON.stringify(contract.recordSchema, null, 2)}\n`;
  const last = versions.at(-1);
  if (last !== undefined && readFileSync(`${dir}/v${last}.avsc`, 'utf8') === current) {
    console.log(`${contract.recordSchema.name}: unchanged since v${last}`);
    continue;
  }
  const next = (last ?? 0) + 1;
  writeFileSync(`${dir}/v${next}.avsc`, current);
  console.log(`${contract.recordSchema.name}: wrote v${next}`);
}
