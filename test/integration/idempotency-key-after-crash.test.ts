/**
 * A key never stays stuck (issue #11): an ingress SIGKILLed while a keyed request waits for a
 * frozen broker leaves an in-flight marker behind. A retry with the same key through the restarted
 * ingress is answered 409 only until that marker expires (the transaction timeout, 3 s here; it was
 * the whole idempotency TTL), then published — and the record is in the ingress topic exactly once,
 * since the crashed attempt's transaction never committed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Header } from '../../core/headers.ts';
import { sampleRecord } from '../../scripts/lib/sample.ts';
import { brokerBack, brokerPid, postKeyed } from '../support/broker.ts';
import { tokenFor } from '../support/https.ts';
import { readTopic, testKafka, uid } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

describe('Idempotency-Key after an ingress crash (real broker, Redis)', () => {
  let s: Services;
  let p: Pipeline;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress'], { AIRLOCK_INGRESS_TRANSACTION_TIMEOUT_MS: '3000' });
  });
  after(async () => {
    brokerBack();
    await p?.stop();
  });

  it('a retry gets 409 only until the crashed attempt’s marker expires, then the record once', async () => {
    const token = await tokenFor(p.pki, 'certifying_staff');
    const key = `crash-${uid()}`;
    const body = JSON.stringify({ ...sampleRecord(), serial_number: `SN${uid().toUpperCase()}K` });
    const post = () => postKeyed(p, token, key, body);

    const pid = brokerPid();
    process.kill(pid, 'SIGSTOP');
    const first = post().catch(() => undefined); // in flight when the ingress dies
    await new Promise((r) => setTimeout(r, 1000));
    await p.kill('ingress');
    await first;
    process.kill(pid, 'SIGCONT');
    await p.restart('ingress');

    const started = Date.now();
    const statuses: number[] = [];
    let accepted: string | undefined;
    while (Date.now() - started < 60_000) {
      const res = await post();
      statuses.push(res.status);
      if (res.status === 202) {
        accepted = res.json<{ trace_id: string }>().trace_id;
        break;
      }
      assert.ok([409, 503].includes(res.status), `${res.status}: ${res.text}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const waited = Date.now() - started;
    assert.ok(accepted, `never accepted: ${statuses.join(',')}`);
    assert.ok(waited < 15_000, `the key was stuck for ${waited} ms (${statuses.join(',')})`);

    const records = await readTopic(testKafka(s), p.topics.ingress, {
      expect: 1,
      timeoutMs: 30_000,
      settleMs: 5000,
    });
    const forKey = records.filter((r) => r.headers[Header.idempotencyKey] === key);
    assert.equal(
      forKey.length,
      1,
      `the key's records: ${forKey.map((r) => r.headers[Header.traceId]).join(', ')}`,
    );
    assert.equal(forKey[0]?.headers[Header.traceId], accepted);
  });
});
