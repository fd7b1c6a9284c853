/**
 * Loading reference data into its compacted topics from an export: a JSON array, NDJSON, or CSV
 * with a header row (csv-parse; an empty cell is null). Every record is validated first; one bad
 * record refuses the whole file, naming each problem, and publishes nothing.
 */

import { parse as parseCsv } from 'csv-parse/sync';
import type { Kafka } from 'kafkajs';
import { parseRef, REF_KINDS, type RefKind } from '../../rules/refdata.ts';

export class RefFileError extends Error {
  override readonly name = 'RefFileError';
}

/** The rows of an export file, as objects. */
export function readRows(text: string, format: 'json' | 'ndjson' | 'csv'): unknown[] {
  if (format === 'csv') {
    let rows: Record<string, string>[];
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
    } catch (err) {
      throw new RefFileError(`the CSV file cannot be read: ${(err as Error).message}`);
    }
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])));
  }
  if (format === 'ndjson') {
    return text
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l, i) => {
        try {
          return JSON.parse(l);
        } catch {
          throw new RefFileError(`line ${i + 1} is not JSON`);
        }
      });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new RefFileError(
      `the file is not JSON (${(err as Error).message}); CSV files end in .csv, NDJSON in .ndjson`,
    );
  }
  if (!Array.isArray(parsed)) throw new RefFileError('a JSON export must be an array of records');
  return parsed;
}

/** Validates every row; returns the keyed records, or throws naming every bad row. */
export function validateRows(kind: RefKind, rows: readonly unknown[]): { key: string; value: unknown }[] {
  const problems: string[] = [];
  const out: { key: string; value: unknown }[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    try {
      const value = parseRef(kind, row) as Record<string, unknown>;
      const key = String(value[REF_KINDS[kind].key]);
      if (seen.has(key)) throw new Error(`duplicate ${REF_KINDS[kind].key} ${key}`);
      seen.add(key);
      out.push({ key, value });
    } catch (err) {
      problems.push(`record ${i + 1}: ${(err as Error).message}`);
    }
  });
  if (problems.length > 0) throw new RefFileError(problems.join('\n'));
  return out;
}

/** Publishes records (and tombstones for `deletes`) to a reference topic, acks=all, idempotent. */
export async function publishReference(
  kafka: Kafka,
  topic: string,
  records: readonly { key: string; value: unknown }[],
  deletes: readonly string[] = [],
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const messages = [
      ...records.map((r) => ({ key: r.key, value: JSON.stringify(r.value) })),
      ...deletes.map((key) => ({ key, value: null })),
    ];
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
    }
  } finally {
    await producer.disconnect();
  }
}
