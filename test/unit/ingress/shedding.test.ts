/**
 * Load shedding by route priority (issue #15 §4): the level a pressure calls for, the routes a
 * level sheds, the hold against flapping, where the shedding sits in the order of checks, and the
 * pressure the real publisher reports (a real kafkajs client whose broker cannot be reached).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../core/config/load.ts';
import { AirlockError } from '../../../core/errors.ts';
import type { PublishPressure } from '../../../ingress/publisher.ts';
import {
  createShedder,
  levelFor,
  pressureRatio,
  priorityClasses,
  type SheddingSettings,
  shedRoutesAt,
} from '../../../ingress/shedding.ts';
import { contextHeader, sampleContext } from '../../../scripts/lib/sample.ts';
import { ROOT } from '../../../scripts/lib/stack-env.ts';
import { testIngress } from '../../support/ingress-app.ts';

const BASE = {
  AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
  AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure',
};
const settingsOf = (json?: unknown): SheddingSettings =>
  loadConfig({ ...BASE, ...(json ? { AIRLOCK_INGRESS_SHEDDING: JSON.stringify(json) } : {}) }, 'ingress')
    .ingress.shedding;
const calm: PublishPressure = { inFlightRecords: 0, publishMs: 0, breaker: 'closed' };

describe('shedding configuration', () => {
  it('defaults: airworthiness routes last, measurements first, generous thresholds', () => {
    const s = settingsOf();
    assert.deepEqual(s.priorities, { logbook: 3, 'compliance-audit': 3, 'parts-trace': 2, measurements: 1 });
    assert.equal(s.enabled, true);
    assert.equal(s.maxInFlightRecords, 10_000);
    assert.equal(s.maxPublishMs, 1000);
    assert.equal(s.retryAfterS, 1);
  });

  it('a partial object keeps the other defaults; priorities must name every route; unknown keys are errors', () => {
    assert.equal(settingsOf({ maxInFlightRecords: 5 }).maxPublishMs, 1000);
    assert.throws(() => settingsOf({ priorities: { logbook: 9 } }), /measurements|priorities/);
    assert.throws(() => settingsOf({ maxInflight: 5 }), /maxInflight/);
  });
});

describe('the shedding level', () => {
  const s = settingsOf({ maxInFlightRecords: 100, maxPublishMs: 200 });

  it('the pressure is the largest signal as a multiple of its threshold; a breaker not closed counts as 1', () => {
    assert.equal(pressureRatio({ ...calm, inFlightRecords: 50, publishMs: 300 }, s), 1.5);
    assert.equal(pressureRatio({ ...calm, inFlightRecords: 250, publishMs: 10 }, s), 2.5);
    assert.equal(pressureRatio({ ...calm, breaker: 'half-open' }, s), 1);
    assert.equal(pressureRatio({ ...calm, breaker: 'half-open' }, { ...s, onBreakerHalfOpen: false }), 0);
  });

  it('n times the thresholds shed the n lowest classes, never the highest', () => {
    assert.deepEqual(priorityClasses(s.priorities), [1, 2, 3]);
    assert.deepEqual(
      [0, 0.99, 1, 1.9, 2, 7, Number.POSITIVE_INFINITY].map((r) => levelFor(r, 3)),
      [0, 0, 1, 1, 2, 2, 0],
    );
    assert.equal(levelFor(50, 1), 0, 'one class for every route: nothing is ever shed');
    assert.deepEqual(shedRoutesAt(0, s.priorities), []);
    assert.deepEqual(shedRoutesAt(1, s.priorities), ['measurements']);
    assert.deepEqual(shedRoutesAt(2, s.priorities), ['measurements', 'parts-trace']);
  });

  it('a level is held holdMs after the pressure last called for it, then falls; since marks the episode', () => {
    let t = 1_000_000;
    let p = calm;
    const levels: number[] = [];
    const shedder = createShedder({
      settings: { ...s, holdMs: 1000 },
      pressure: () => p,
      now: () => t,
      onLevel: (l) => levels.push(l),
    });
    shedder.admit('measurements');
    p = { ...calm, inFlightRecords: 150 };
    assert.throws(
      () => shedder.admit('measurements'),
      (e: unknown) => e instanceof AirlockError && e.code === 'OVERLOADED' && e.retryAfterSeconds === 1,
    );
    shedder.admit('parts-trace');
    shedder.admit('logbook');
    const since = shedder.state().since;
    assert.equal(since, new Date(t).toISOString());
    p = { ...calm, inFlightRecords: 400 };
    t += 10;
    assert.throws(() => shedder.admit('parts-trace'), /parts-trace route is shed/);
    shedder.admit('compliance-audit');
    // Calm again: held for holdMs from the last time level 2 was called for, then gone.
    p = calm;
    t += 999;
    assert.equal(shedder.state().level, 2);
    t += 1;
    assert.deepEqual(shedder.state(), {
      enabled: true,
      level: 0,
      since: null,
      shedRoutes: [],
      inFlightRecords: 0,
      publishMs: 0,
      breaker: 'closed',
    });
    shedder.admit('measurements');
    assert.deepEqual(levels, [1, 2, 0]);
    assert.ok(since);
  });

  it('disabled, or without a publisher that reports its pressure, nothing is shed', () => {
    const hot = () => ({ ...calm, inFlightRecords: 1e6 });
    createShedder({ settings: { ...s, enabled: false }, pressure: hot }).admit('measurements');
    const blind = createShedder({ settings: s, pressure: undefined });
    blind.admit('measurements');
    assert.equal(blind.state().enabled, false);
  });
});

describe('shedding in the order of checks (inject)', () => {
  const measurement = readFileSync(`${ROOT}avro/examples/measurement/valid/torque-in-spec.json`, 'utf8');
  const entry = readFileSync(`${ROOT}avro/examples/logbook-entry/valid/crs-easa.json`, 'utf8');
  const post = (url: string, payload: string, ctx = contextHeader(sampleContext('D-AIBL'))) => ({
    method: 'POST' as const,
    url,
    headers: { 'content-type': 'application/json', 'x-maintenance-context': ctx },
    payload,
  });

  it('under pressure the low route is 503 OVERLOADED before its body is read; the high route is published', async () => {
    let p = { ...calm, inFlightRecords: 20 };
    const { app, published } = testIngress({
      env: { AIRLOCK_INGRESS_SHEDDING: '{"maxInFlightRecords":10,"retryAfterS":3,"holdMs":0}' },
      pressure: () => p,
    });
    const shed = await app.inject(post('/v1/measurements', measurement));
    assert.equal(shed.statusCode, 503, shed.body);
    assert.match(String(shed.headers['content-type']), /^application\/problem\+json/);
    assert.equal(shed.headers['retry-after'], '3');
    assert.equal(shed.json().code, 'OVERLOADED');
    // Before the body: a malformed body is shed too, not a 400 (nothing of it was read).
    assert.equal((await app.inject(post('/v1/measurements', '{"broken'))).statusCode, 503);
    // After the context: a bad context is still 403, never a retriable 503.
    assert.equal((await app.inject(post('/v1/measurements', measurement, 'nope'))).statusCode, 403);
    const kept = await app.inject(post('/v1/logbook', entry));
    assert.equal(kept.statusCode, 202, kept.body);
    assert.equal(published.length, 1);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 200, 'shedding is not unreadiness');
    assert.deepEqual(ready.json().shedding.shedRoutes, ['measurements', 'parts-trace']);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /airlock_ingress_shedding_level 2/);
    assert.match(metrics, /airlock_ingress_shed_total\{route="measurements"\} 2/);
    assert.match(metrics, /airlock_ingress_rejections_total\{code="OVERLOADED"\} 2/);
    p = calm;
    assert.equal((await app.inject(post('/v1/measurements', measurement))).statusCode, 202);
    assert.match((await app.inject({ method: 'GET', url: '/metrics' })).body, /shedding_level 0/);
    await app.close();
  });
});
