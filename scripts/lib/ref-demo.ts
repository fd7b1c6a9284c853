/** The demo reference data of scripts/ref-demo: what the sample records and the tests refer to. */
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { RefKind } from '../../core/refdata/kinds.ts';
import { publishReference, readRows, validateRows } from '../../core/refdata/load.ts';
import { ROOT } from './stack-env.ts';

export const DEMO_REFERENCE: Record<RefKind, string> = {
  technicians: `${ROOT}scripts/ref-demo/technicians.json`,
  fleet: `${ROOT}scripts/ref-demo/fleet.csv`,
  approvals: `${ROOT}scripts/ref-demo/approvals.csv`,
  releases: `${ROOT}scripts/ref-demo/releases.json`,
};

export const formatOf = (file: string) =>
  file.endsWith('.csv') ? 'csv' : file.endsWith('.ndjson') ? 'ndjson' : ('json' as const);

/** Reads, validates and publishes one export file; resolves to the number of records. */
export async function loadFile(kafka: Kafka, topic: string, kind: RefKind, file: string): Promise<number> {
  const records = validateRows(kind, readRows(readFileSync(file, 'utf8'), formatOf(file)));
  await publishReference(kafka, topic, records);
  return records.length;
}

export async function loadDemoReference(kafka: Kafka, topics: Record<RefKind, string>): Promise<void> {
  for (const [kind, file] of Object.entries(DEMO_REFERENCE) as [RefKind, string][])
    await loadFile(kafka, topics[kind], kind, file);
}
