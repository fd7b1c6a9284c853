/** The demo reference data of scripts/ref-demo: what the sample records and the tests refer to. */
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { RefKind, RefValue } from '../../rules/refdata.ts';
import { publishReference, readRows, validateRows } from './ref-load.ts';
import { ROOT } from './stack-env.ts';

/** The demo's export files; the backup status is not a file (see demoBackup). */
export const DEMO_REFERENCE: Record<Exclude<RefKind, 'backups'>, string> = {
  technicians: `${ROOT}scripts/ref-demo/technicians.json`,
  fleet: `${ROOT}scripts/ref-demo/fleet.csv`,
  approvals: `${ROOT}scripts/ref-demo/approvals.csv`,
  releases: `${ROOT}scripts/ref-demo/releases.json`,
  // The tools of avro/examples/measurement/valid, calibrated over the examples' dates and beyond.
  tools: `${ROOT}scripts/ref-demo/tools.csv`,
};

export const formatOf = (file: string) =>
  file.endsWith('.csv') ? 'csv' : file.endsWith('.ndjson') ? 'ndjson' : ('json' as const);

/** Reads and validates one export file (throws RefFileError naming every bad record). */
export function readRefFile(kind: RefKind, file: string): { key: string; value: unknown }[] {
  return validateRows(kind, readRows(readFileSync(file, 'utf8'), formatOf(file)));
}

/** Reads, validates and publishes one export file; resolves to the number of records. */
export async function loadFile(kafka: Kafka, topic: string, kind: RefKind, file: string): Promise<number> {
  const records = readRefFile(kind, file);
  await publishReference(kafka, topic, records);
  return records.length;
}

/**
 * The demo's backup status of the compliance audit store (CAMO-A.220): an off-site backup as of
 * `at`. A real deployment's backup job publishes this after each backup; the demo stamps the time it
 * is loaded, so compliance-audit records are refused a day after `npm start` until it is reloaded
 * (`npm run ref:load -- --demo`).
 */
export function demoBackup(at: Date): { key: string; value: RefValue<'backups'> } {
  return {
    key: 'compliance-audit',
    value: {
      system: 'compliance-audit',
      last_offsite_backup_at: at.toISOString(),
      location: 'demo off-site store',
    },
  };
}

export async function loadDemoReference(kafka: Kafka, topics: Record<RefKind, string>): Promise<void> {
  for (const [kind, file] of Object.entries(DEMO_REFERENCE) as [Exclude<RefKind, 'backups'>, string][])
    await loadFile(kafka, topics[kind], kind, file);
  await publishReference(kafka, topics.backups, [demoBackup(new Date())]);
}
