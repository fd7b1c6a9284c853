/**
 * Slow clients (slow-loris) over real mutual TLS: a client that never finishes its headers is cut
 * off after the headers timeout, and one that never finishes its body after the request timeout.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { contextHeader, sampleContext } from '../../scripts/lib/sample.ts';
import { tokenFor } from '../support/https.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { services } from '../support/services.ts';

function trickle(p: Pipeline, first: string): Promise<{ ms: number; answer: string }> {
  const { hostname, port } = new URL(p.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    const socket = connect({
      host: hostname,
      port: Number(port),
      servername: 'localhost',
      ca: readFileSync(`${p.pki}/ca.crt`),
      cert: readFileSync(`${p.pki}/client-certifying_staff.crt`),
      key: readFileSync(`${p.pki}/client-certifying_staff.key`),
    });
    socket.on('secureConnect', () => socket.write(first));
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('close', () => resolve({ ms: Date.now() - started, answer }));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the slow connection open for 10 s'));
    }, 10_000).unref();
  });
}

describe('slow clients', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline(await services(), ['ingress'], {
      AIRLOCK_INGRESS_HEADERS_TIMEOUT_MS: '1000',
      AIRLOCK_INGRESS_REQUEST_TIMEOUT_MS: '2000',
    });
  });
  after(async () => {
    await p?.stop();
  });

  it('headers never finished: cut off after the headers timeout with 408', async () => {
    const { ms, answer } = await trickle(p, 'POST /v1/parts/trace HTTP/1.1\r\nHost: localhost\r\n');
    assert.ok(ms < 4000, `took ${ms} ms`);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  it('body never finished: cut off after the request timeout', async () => {
    // Authenticated and with a valid context, so the server is waiting for the body.
    const token = await tokenFor(p.pki, 'certifying_staff');
    const { ms, answer } = await trickle(
      p,
      `POST /v1/parts/trace HTTP/1.1\r\nHost: localhost\r\nauthorization: Bearer ${token}\r\nx-maintenance-context: ${contextHeader(sampleContext())}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":`,
    );
    assert.ok(ms >= 1500 && ms < 6000, `took ${ms} ms`);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });
});
