/**
 * What JSON.parse does not check, checked on the raw text before parsing, in one linear scan (so a
 * hostile `[[[[…]]]]` costs a scan, not a recursive parse):
 * - nesting deeper than MAX_JSON_DEPTH;
 * - an object with the same member name twice (issue #12 §11). RFC 8259 §4 leaves duplicates to
 *   the parser: JSON.parse keeps the last, other readers the first. The ingress publishes the raw
 *   text, so the value it validated must be the only one a downstream reader can see.
 * Brackets and commas inside strings do not count; names are compared after unescaping
 * (`"a"` and `"\u0061"` are the same name).
 */
export const MAX_JSON_DEPTH = 32;

/** Why the text is refused (a problem detail), or undefined. Malformed JSON is left to the parser. */
export function jsonTextProblem(text: string, max = MAX_JSON_DEPTH): string | undefined {
  // One entry per open container: the member names seen (objects) or null (arrays). Records have
  // a few dozen names at most: an array scan beats a Set there; past 32 names a Set takes over.
  const open: (string[] | Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote: the next one not escaped (preceded by an even run of backslashes).
      const start = i + 1;
      let end = text.indexOf('"', start);
      while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) return undefined; // unterminated: the parser says so
      i = end;
      if (expectName) {
        expectName = false;
        const names = open.at(-1);
        if (names) {
          const inner = text.slice(start, end);
          const name = memberName(inner, inner.includes('\\'));
          if (name !== undefined) {
            const seen = Array.isArray(names) ? names.includes(name) : names.has(name);
            if (seen) return `the member "${name.slice(0, 64)}" appears twice in one object`;
            if (Array.isArray(names)) {
              names.push(name);
              if (names.length > 32) open[open.length - 1] = new Set(names);
            } else names.add(name);
          }
        }
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (open.length >= max) return `the body nests deeper than ${max} levels`;
      open.push(c === 0x7b ? [] : null);
      expectName = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectName = false;
    } else if (c === 0x2c) {
      expectName = open.at(-1) != null;
    }
  }
  return undefined;
}

/** Whether the character at `at` is escaped: an odd number of backslashes right before it. */
function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let j = at - 1; j >= 0 && text.charCodeAt(j) === 0x5c; j--) n++;
  return n % 2 === 1;
}

/** A member name as JSON.parse reads it; undefined when its escapes are invalid (the parser says so). */
function memberName(inner: string, escaped: boolean): string | undefined {
  if (!escaped) return inner;
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return undefined;
  }
}

/** UTF-8 as JSON requires (RFC 8259 §8.1), strictly: bytes that are not UTF-8 throw, never U+FFFD. */
export const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
