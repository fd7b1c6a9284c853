/**
 * The ingress as N workers on one port (issue #14 §2), against the real stack: requests spread over
 * every worker; /metrics sums them; /health/ready shows each worker; a worker that dies is replaced
 * under its own index while the others keep answering, and nothing answered 202 is lost or doubled;
 * SIGTERM drains every worker and the primary exits 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { httpsCall, tokenFor } from '../support/https.ts';
import { committedCount, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';
import { until } from '../support/wait.ts';

type Workers = { worker: number; workers: { index: number; pid: number; state: string; restarts: number }[] };

describe('ingress workers (node:cluster) over the real Kafka and Redis', () => {
  let s: Services;
  let p: Pipeline;
  let token: string;
  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress'], { AIRLOCK_INGRESS_WORKERS: '2' });
    token = await tokenFor(p.pki, 'certifying_staff', { ttlSeconds: 600 });
  });
  after(async () => {
    await p?.stop();
  });

  const post = () =>
    httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-maintenance-context': contextHeader(sampleContext()),
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(sampleRecord()),
    });
  const ready = async () => (await httpsCall(p.pki, `${p.url}/health/ready`)).json<Workers>();

  it('connections spread over both workers (SO_REUSEPORT); /metrics counts every worker’s requests; /health/ready shows each', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 24; i++) seen.add((await ready()).worker);
    assert.deepEqual([...seen].sort(), [0, 1], 'the kernel spreads new connections over both workers');
    const view = await ready();
    assert.deepEqual(
      view.workers.map((w) => [w.index, w.state]),
      [
        [0, 'ready'],
        [1, 'ready'],
      ],
    );
    assert.notEqual(view.workers[0]?.pid, p.pid('ingress'), 'workers are processes of their own');

    const answers = await Promise.all(Array.from({ length: 40 }, post));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]));
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), 40);
    const metrics = (await httpsCall(p.pki, `${p.url}/metrics`)).text;
    const accepted = /airlock_ingress_requests_total\{route="\/v1\/parts\/trace",status="202"\} (\d+)/.exec(
      metrics,
    );
    assert.equal(
      accepted?.[1],
      '40',
      `the sum over the workers, whichever one answered the scrape:\n${metrics.slice(0, 3000)}\n${p.output('ingress')}`,
    );
  });

  it('a worker SIGKILLed is replaced under its index; the other keeps answering; every 202 is in the topic once', async () => {
    const before = await committedCount(testKafka(s), p.topics.ingress);
    const victim = (await ready()).workers.find((w) => w.index === 1);
    assert.ok(victim);
    process.kill(victim.pid, 'SIGKILL');
    let accepted = 0;
    // While it is down, requests still get answers: 202 from the other worker, or a connection
    // error for one that reached the dying worker.
    await until(
      'worker 1 restarted and ready',
      async () => {
        const r = await post().catch(() => undefined);
        if (r?.status === 202) accepted++;
        const w = (await ready().catch(() => undefined))?.workers.find((x) => x.index === 1);
        return w?.state === 'ready' && w.restarts === 1 && w.pid !== victim.pid;
      },
      60_000,
    );
    const answers = await Promise.all(Array.from({ length: 20 }, post));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]));
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), before + accepted + 20);
  });

  it('SIGTERM drains every worker; the primary exits 0', async () => {
    const pids = (await ready()).workers.map((w) => w.pid);
    const codes = await p.stop();
    assert.equal(codes.ingress, 0, p.output('ingress'));
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`);
  });
});
