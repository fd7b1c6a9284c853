/**
 * ISO/IEC 7064 hybrid MOD 37,36 check character over 0-9A-Z (REGULATORY.md §7.2). Ten lines with
 * published vectors (SN-CHK-V) that python-stdnum and @konfirm/iso7064 reproduce; not worth a
 * dependency.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function run(chars: string): number | undefined {
  let p = 36;
  for (const ch of chars) {
    const a = ALPHABET.indexOf(ch);
    if (a < 0) return undefined;
    const r = (p + a) % 36 || 36;
    p = (2 * r) % 37;
  }
  return p;
}

/** The check character for a payload, or undefined when it has characters outside 0-9A-Z. */
export function mod3736CheckChar(payload: string): string | undefined {
  const p = run(payload);
  return p === undefined ? undefined : ALPHABET[(37 - p) % 36];
}

/** True when the last character is the check character of the others. */
export function mod3736Valid(withCheck: string): boolean {
  if (withCheck.length < 2) return false;
  const p = run(withCheck.slice(0, -1));
  const a = ALPHABET.indexOf(withCheck.at(-1) ?? '');
  return p !== undefined && a >= 0 && (p + a) % 36 === 1;
}
