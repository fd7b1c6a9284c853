/**
 * Faults of the real broker of the local stack, for the tests that prove what the ingress answers
 * under them: its pid (to SIGKILL, SIGSTOP, SIGCONT) and `stack.sh up`, which restarts what is dead
 * and waits until it is healthy. And a keyed parts-trace request, as a retrying sender sends it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { contextHeader, sampleContext } from '../../scripts/lib/sample.ts';
import { ROOT, stackDir } from '../../scripts/lib/stack-env.ts';
import { type Answer, httpsCall } from './https.ts';
import type { Pipeline } from './pipeline.ts';

export function brokerPid(): number {
  const pid = Number(readFileSync(`${stackDir()}/run/kafka.pid`, 'utf8').trim());
  assert.ok(pid > 0, 'the stack runs Kafka (npm run stack:up)');
  return pid;
}

export function stackUp(): void {
  const run = spawnSync('bash', [`${ROOT}stack/stack.sh`, 'up'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, `stack.sh up failed:\n${run.stdout}\n${run.stderr}`);
}

/** After a test that froze or killed the broker: it runs again for the tests after it. */
export function brokerBack(): void {
  try {
    process.kill(brokerPid(), 'SIGCONT');
  } catch {}
  stackUp();
}

/** A POST of one parts-trace record, with an Idempotency-Key unless `key` is undefined. */
export function postKeyed(
  p: Pipeline,
  token: string,
  key: string | undefined,
  body: string,
): Promise<Answer> {
  return httpsCall(p.pki, `${p.url}/v1/parts/trace`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      'x-maintenance-context': contextHeader(sampleContext('D-AIBL')),
    },
    body,
  });
}
