/**
 * deploy/: the alert rules are valid for a real promtool (Debian's prometheus package) and each
 * fires on the series of alerts.test.yml that should fire it and on no other; the scrape
 * configuration is valid; every query of the Grafana dashboard parses (promtool, as recording
 * rules); and every Airlock series they name is one a stage registers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { stringify } from 'yaml';
import { createConsumerMetrics } from '../../../core/telemetry/consumer-metrics.ts';
import { createEdgeMetrics } from '../../../edge/metrics.ts';
import { createIngressMetrics } from '../../../ingress/metrics.ts';
import { registerValidatorMetrics } from '../../../validators/metrics.ts';
import { ensureDebianTool } from '../../support/prometheus.ts';

const DIR = new URL('../../../deploy/prometheus/', import.meta.url).pathname;
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' });
const DASHBOARD = new URL('../../../deploy/grafana/dashboards/airlock-pipeline.json', import.meta.url);
interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}
const panels = (JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels.filter(
  (p) => p.type !== 'row',
);

/** The Airlock series a text names, `airlock_(a|b)_x` expanded. */
function seriesIn(text: string): Set<string> {
  const used = new Set<string>();
  for (const m of text.matchAll(/airlock_(?:\(([a-z|]+)\)_)?([a-z_]+)/g))
    for (const stage of m[1]?.split('|') ?? [''])
      used.add(stage ? `airlock_${stage}_${m[2]}` : `airlock_${m[2]}`);
  // A histogram's series are its name's, suffixed.
  return new Set([...used].map((n) => n.replace(/_(bucket|count|sum)$/, '')));
}

/** Every series name the stages register (the consumer stages' for both). */
function registered(): Set<string> {
  const names = new Set<string>();
  const admin = {} as Admin;
  for (const stage of ['validators', 'router'] as const) {
    const m = createConsumerMetrics({
      stage,
      dlqTopic: 'd',
      groupId: 'g',
      inputTopic: 'i',
      admin,
      breaker: () => 'closed',
    });
    if (stage === 'validators')
      registerValidatorMetrics(
        m.registry,
        { held: [], restoring: [], lastRestore: undefined, entries: () => undefined },
        { sizes: () => ({}), newest: () => new Map() },
      );
    for (const metric of m.registry.getMetricsAsArray()) names.add(metric.name);
  }
  for (const metric of createIngressMetrics().registry.getMetricsAsArray()) names.add(metric.name);
  const edge = createEdgeMetrics(() => ({
    queued: { airworthiness: { records: 0, bytes: 0 }, bulk: { records: 0, bytes: 0 } },
    oldestQueuedAt: undefined,
    rejected: 0,
    inFlight: undefined,
  }));
  for (const metric of edge.registry.getMetricsAsArray()) names.add(metric.name);
  return names;
}

describe('Prometheus alert rules', () => {
  it('promtool check rules, and promtool test rules (each alert fires where it should, nowhere else)', () => {
    ensureDebianTool('promtool', 'prometheus');
    const check = promtool('check', 'rules', 'alerts.yml');
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    const test = promtool('test', 'rules', 'alerts.test.yml');
    assert.equal(test.status, 0, `${test.stdout}${test.stderr}`);
  });

  it('the scrape configuration is valid', () => {
    ensureDebianTool('promtool', 'prometheus');
    const check = promtool('check', 'config', 'prometheus.yml');
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  it('alerts and dashboards name only series the stages register', () => {
    const known = registered();
    const alerts = seriesIn(readFileSync(`${DIR}alerts.yml`, 'utf8'));
    assert.ok(alerts.size >= 6, [...alerts].join());
    const dashboard = seriesIn(panels.flatMap((p) => p.targets?.map((t) => t.expr) ?? []).join('\n'));
    assert.ok(dashboard.size >= 12, [...dashboard].join());
    // The Prometheus console (deploy/prometheus/consoles): its graphs and its table.
    const console = seriesIn(readFileSync(`${DIR}consoles/airlock.html`, 'utf8'));
    assert.ok(console.size >= 10, [...console].join());
    for (const name of [...alerts, ...dashboard, ...console])
      assert.ok(known.has(name), `${name} is not registered by any stage`);
  });
});

describe('the Grafana dashboard', () => {
  it('every panel queries the provisioned Prometheus, and every query parses', () => {
    ensureDebianTool('promtool', 'prometheus');
    const exprs = panels.flatMap((p) => {
      assert.equal(p.datasource?.uid, 'prometheus', p.title);
      assert.ok((p.targets ?? []).length > 0, `${p.title} has no query`);
      return p.targets?.map((t) => t.expr) ?? [];
    });
    const provisioned = readFileSync(
      new URL('../../../deploy/grafana/provisioning/datasources/prometheus.yml', import.meta.url),
      'utf8',
    );
    assert.match(provisioned, /uid: prometheus/);
    const dir = mkdtempSync(join(tmpdir(), 'airlock-dashboard-'));
    const rules = {
      groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:q${i}`, expr })) }],
    };
    writeFileSync(join(dir, 'queries.yml'), stringify(rules));
    const check = spawnSync('promtool', ['check', 'rules', join(dir, 'queries.yml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });
});
