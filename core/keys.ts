/**
 * Partition keys (DESIGN.md "Records"): the entity whose history the rules judge and whose ledger
 * orders it. `aircraft`: the normalised registration (logbook entries, audit events); `part`: the
 * normalised part number and serial number, so every event of one serialised part is in one
 * partition, in order (a batch-controlled item, serial "N/A", by part number and lot).
 */
export type KeyKind = 'aircraft' | 'part';

const norm = (v: unknown) =>
  String(v ?? '')
    .trim()
    .toUpperCase();

/** The key of a record of `kind`: from its payload, and the maintenance context's registration. */
export function recordKey(
  kind: KeyKind,
  payload: Readonly<Record<string, unknown>>,
  registration: string,
): string {
  if (kind === 'aircraft') return norm(registration);
  const serial = norm(payload.serial_number);
  return serial === 'N/A'
    ? `${norm(payload.part_number)}|LOT:${norm(payload.batch_lot_code)}`
    : `${norm(payload.part_number)}|${serial}`;
}
