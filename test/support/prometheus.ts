/**
 * A real Prometheus (Debian's `prometheus` package) for the tests that check what the stages
 * expose: started per test on a free loopback port with its own data folder, scraping the targets
 * it is given every second. A missing binary is installed as root (stack/debian-tool.sh), or the
 * test fails with the command that installs it; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { startLocalService } from './local-service.ts';
import type { Pipeline } from './pipeline.ts';
import { freePort } from './wait.ts';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
  /** HTTPS with a client certificate (the ingress). */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

/** The three stages of a test pipeline: the consumers' health ports, the ingress over mutual TLS. */
export function pipelineTargets(p: Pipeline): ScrapeTarget[] {
  const host = (url: string) => new URL(url).host;
  return [
    { job: 'validators', address: host(p.health.validators) },
    { job: 'router', address: host(p.health.router) },
    {
      job: 'ingress',
      address: host(p.url),
      tls: {
        caFile: `${p.pki}/ca.crt`,
        certFile: `${p.pki}/client-fleet_ops.crt`,
        keyFile: `${p.pki}/client-fleet_ops.key`,
      },
    },
  ];
}

/** Airlock's console dashboard (deploy/prometheus/consoles) and the library it is written against. */
export const AIRLOCK_CONSOLES = {
  templates: `${ROOT}deploy/prometheus/consoles`,
  libraries: `${ROOT}deploy/prometheus/console_libraries`,
};

export interface TestPrometheus {
  url: string;
  /** An instant query; the result vector. */
  query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Each job's target health (`up`, `down`, `unknown`) and last error. */
  targets(): Promise<{ job: string; health: string; lastError: string }[]>;
  stop(): Promise<void>;
}

/** Makes sure a Debian tool is there (installing it as root); throws with how to get it otherwise. */
export function ensureDebianTool(command: string, pkg: string): void {
  const run = spawnSync('bash', [`${ROOT}stack/debian-tool.sh`, command, pkg], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} is needed by this test: ${run.stderr.trim()}`);
}

export async function startPrometheus(
  targets: readonly ScrapeTarget[],
  opts: {
    /** Console templates (deploy/prometheus/consoles) and the libraries they use, served at /consoles. */
    consoles?: { templates: string; libraries: string };
  } = {},
): Promise<TestPrometheus> {
  ensureDebianTool('prometheus', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'airlock-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: targets.map((t) => ({
      job_name: t.job,
      static_configs: [{ targets: [t.address] }],
      ...(t.tls
        ? {
            scheme: 'https',
            tls_config: { ca_file: t.tls.caFile, cert_file: t.tls.certFile, key_file: t.tls.keyFile },
          }
        : {}),
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const { stop } = await startLocalService({
    name: 'Prometheus',
    command: 'prometheus',
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...(opts.consoles
        ? [
            `--web.console.templates=${opts.consoles.templates}`,
            `--web.console.libraries=${opts.consoles.libraries}`,
          ]
        : []),
    ],
    dir,
    ready: async () => (await fetch(`${url}/-/ready`)).ok,
  });
  return {
    url,
    stop,
    query: async (q) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(q)}`,
        )
      ).result,
    targets: async () =>
      (
        await api<{ activeTargets: { labels: { job: string }; health: string; lastError: string }[] }>(
          '/api/v1/targets',
        )
      ).activeTargets.map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError })),
  };
}
