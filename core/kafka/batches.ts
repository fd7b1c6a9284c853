/**
 * Produce batches that fit the broker. kafkajs writes all of one send's messages to a partition as
 * one record batch and never splits it; the broker refuses a batch larger than the topic's
 * `max.message.bytes` (MESSAGE_TOO_LARGE) as a whole. So a producer with many records in hand
 * sends them in runs of bounded size, several sends in one transaction where needed.
 */
import type { IHeaders, Message } from 'kafkajs';

const bytesOf = (v: Buffer | string | null | undefined) =>
  v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;

/**
 * A message's size as a Kafka record, over-estimated: key, value, header names and values, and the
 * varints and fields of the record format v2 around them.
 */
export function messageBytes(m: {
  key?: Message['key'];
  value: Message['value'];
  headers?: IHeaders;
}): number {
  let n = 32 + bytesOf(m.key) + bytesOf(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) n += 10 + Buffer.byteLength(k) + bytesOf(one);
  }
  return n;
}

/** Splits items into consecutive runs of at most `max` bytes (a larger item runs alone). */
export function chunksOf<T>(items: readonly T[], sizes: readonly number[], max: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  items.forEach((item, i) => {
    const size = sizes[i] ?? 0;
    if (current.length > 0 && bytes + size > max) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  });
  if (current.length > 0) out.push(current);
  return out;
}
