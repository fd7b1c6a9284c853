import type { RefValue } from '../refdata.ts';
import { type RuleContext, str } from '../types.ts';

/** The release certificate a parts-trace record references, from airlock.ref.releases. */
export function referencedRelease(
  record: Readonly<Record<string, unknown>>,
  { reference }: RuleContext,
): RefValue<'releases'> | undefined {
  const ref = str(record.airworthiness_certificate_ref);
  return ref === undefined ? undefined : reference?.get('releases', ref);
}
