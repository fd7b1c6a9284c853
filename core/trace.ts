/** W3C Trace Context (https://www.w3.org/TR/trace-context/) `traceparent` values, carried stage to stage. */
import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Random ids from a pool filled 8 KiB at a time (issue #14 §1): one randomBytes() call per id cost
 * ~4 % of the ingress's CPU under load; the pool makes an id a slice of bytes already drawn from
 * the same CSPRNG, as Node's own randomUUID() does.
 */
const POOL = Buffer.alloc(8192);
let offset = POOL.length;
function randomHex(bytes: number, zero: string): string {
  for (;;) {
    if (offset + bytes > POOL.length) {
      randomFillSync(POOL);
      offset = 0;
    }
    const hex = POOL.toString('hex', offset, offset + bytes);
    offset += bytes;
    // All zeros is not a valid id (W3C Trace Context §3.2.2.3–4); drawn once in 2^64 at worst.
    if (hex !== zero) return hex;
  }
}

export function newTraceparent(): string {
  return `00-${randomHex(16, ZERO_TRACE)}-${randomHex(8, ZERO_SPAN)}-01`;
}

/** A new span in the same trace, or a new trace when the parent is absent or malformed. */
export function childTraceparent(parent: string | undefined): string {
  const m = parent === undefined ? null : TRACEPARENT.exec(parent);
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return newTraceparent();
  return `00-${m[1]}-${randomHex(8, ZERO_SPAN)}-${m[3]}`;
}
