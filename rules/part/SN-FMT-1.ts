import { formatRule } from '../lib/format-rule.ts';

export const SERIAL_FORMAT = /^(?=[A-Z0-9-]{2,36}$)[A-Z0-9]+(?:-[A-Z0-9]+)*$/;

/** SN-FMT-1: uppercase alphanumeric groups joined by single hyphens, 2–36 characters ("N/A" is PART-ID-1's). */
export const SN_FMT_1 = formatRule({
  id: 'SN-FMT-1',
  field: 'serial_number',
  appliesTo: (sn) => sn !== 'N/A',
  ok: (sn) => SERIAL_FORMAT.test(sn),
  message: 'serial_number must be 2-36 uppercase letters/digits in groups joined by single hyphens',
});
