import { finding } from '../types.ts';
import { retentionRule } from './purge.ts';

/** RET-MAX: a PURGE states its retention data; a legal hold overrides every period. */
export const RET_MAX = retentionRule('RET-MAX', (record) => {
  if (record.action !== 'PURGE') return [];
  const r = record.retention as Record<string, unknown> | null | undefined;
  if (!r || !Array.isArray(r.record_classes) || r.record_classes.length === 0)
    return [
      finding('RET-MAX', 'ERROR', '/retention', 'a purge must state the record classes and their dates'),
    ];
  if (r.legal_hold === true)
    return [finding('RET-MAX', 'ERROR', '/retention/legal_hold', 'under a legal hold: no purge')];
  return [];
});
