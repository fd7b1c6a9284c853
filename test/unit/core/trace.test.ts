import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childTraceparent, newTraceparent } from '../../../core/trace.ts';

const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('traceparent ids (W3C Trace Context)', () => {
  it('a new traceparent is version 00, sampled, with 128-bit trace and 64-bit span ids, each one different', () => {
    // More ids than one pool holds, so that refills are crossed.
    const ids = Array.from({ length: 5000 }, newTraceparent);
    for (const id of ids) assert.match(id, FORMAT);
    assert.equal(new Set(ids.map((id) => id.slice(3, 35))).size, ids.length);
    assert.equal(new Set(ids.map((id) => id.slice(36, 52))).size, ids.length);
  });
  it('a child keeps the trace id and flags of its parent, with a span id of its own', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    const child = childTraceparent(parent);
    assert.match(child, /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    assert.notEqual(child.slice(36, 52), '00f067aa0ba902b7');
  });
  it('a missing, malformed or all-zero parent starts a new trace', () => {
    for (const parent of [
      undefined,
      'garbage',
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
    ]) {
      const child = childTraceparent(parent);
      assert.match(child, FORMAT);
      assert.notEqual(child.slice(3, 35), '4bf92f3577b34da6a3ce929d0e0e4736');
    }
  });
});
