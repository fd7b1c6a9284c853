/**
 * The valid examples of avro/ against the whole catalogue and the demo reference data of
 * scripts/ref-demo (what `npm start` loads): every one passes without an ERROR, so the demo, the
 * examples and the rules stay in step.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROUTES, type RouteName } from '../../../core/contract.ts';
import type { MaintenanceContext } from '../../../rules/context.ts';
import { judge } from '../../../rules/index.ts';
import { REF_KINDS, ReferenceMaps, type RefKind } from '../../../rules/refdata.ts';
import { DEFAULT_RULE_PARAMS } from '../../../rules/types.ts';
import { DEMO_REFERENCE, demoBackup, readRefFile } from '../../../scripts/lib/ref-demo.ts';
import { sampleContext } from '../../../scripts/lib/sample.ts';

/** After every example's own dates. */
const NOW = new Date('2025-07-01T00:00:00Z');

function demoReference(): ReferenceMaps {
  const r = new ReferenceMaps();
  for (const [kind, file] of Object.entries(DEMO_REFERENCE) as [RefKind, string][])
    for (const { key, value } of readRefFile(kind, file)) r.apply(kind, key, value);
  const backup = demoBackup(NOW);
  r.apply('backups', backup.key, backup.value);
  return r;
}

describe('the valid examples against the demo reference data', () => {
  const reference = demoReference();
  it('loads every kind of reference data', () => {
    for (const kind of Object.keys(REF_KINDS) as RefKind[]) assert.ok(reference.size(kind) > 0, kind);
  });
  for (const [route, contract] of Object.entries(ROUTES)) {
    const dir = new URL(
      `../../../avro/examples/${contract.schemaFile.replace(/\.avsc$/, '')}/valid/`,
      import.meta.url,
    );
    for (const file of readdirSync(dir)) {
      it(`${route}: ${file} has no ERROR finding`, () => {
        const record = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
        const registration = String(record.aircraft_registration ?? 'D-AIBL');
        const j = judge(
          route as RouteName,
          record,
          { ...sampleContext(registration), aircraft_registration: registration } as MaintenanceContext,
          DEFAULT_RULE_PARAMS,
          NOW,
          reference,
        );
        assert.deepEqual(j.errors, []);
      });
    }
  }
});
