/**
 * A real trace back end for the tracing test (issue #16 §1): Jaeger v2, built once from the Go
 * module proxy (stack/go-tool.sh, stack/tools/jaeger) and started per test on free loopback ports.
 * It receives OTLP/HTTP, as any OpenTelemetry collector would, and answers Jaeger's query API.
 * Without Go the test fails with how to get it; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { startLocalService } from './local-service.ts';
import { freePort, until } from './wait.ts';

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  processID: string;
}
/** The span a span is the child of (its CHILD_OF reference). */
export const parentOf = (span: JaegerSpan) => span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
export const tagOf = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

export interface TestJaeger {
  /** Where the stages send their spans (AIRLOCK_TRACING_ENDPOINT). */
  otlpUrl: string;
  /** One trace as Jaeger holds it now; undefined while it has none. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
  /** The trace once it holds a span of each name (the stages export every second), read until then. */
  traceWith(traceId: string, names: readonly string[]): Promise<JaegerTrace>;
  stop(): Promise<void>;
  output(): string;
}

export function jaegerBinary(): string {
  const run = spawnSync('bash', [`${ROOT}stack/go-tool.sh`, 'jaeger', `${ROOT}stack/tools/jaeger`], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Jaeger is needed by this test: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

export async function startJaeger(
  opts: {
    /** Also forward every span to a Kafka topic in Zipkin's JSON (for a Zipkin UI: scripts/screenshots.ts). */
    zipkinTopic?: { brokers: readonly string[]; topic: string };
  } = {},
): Promise<TestJaeger> {
  const binary = jaegerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-jaeger-'));
  let configFile = `${ROOT}stack/tools/jaeger/config.yaml`;
  if (opts.zipkinTopic) {
    const config = parse(readFileSync(configFile, 'utf8'));
    config.exporters['kafka/zipkin'] = {
      brokers: opts.zipkinTopic.brokers,
      traces: { topic: opts.zipkinTopic.topic, encoding: 'zipkin_json' },
    };
    config.service.pipelines.traces.exporters.push('kafka/zipkin');
    configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, stringify(config));
  }
  const [otlp, query, grpc] = [await freePort(), await freePort(), await freePort()];
  const api = `http://127.0.0.1:${query}/api`;
  const service = await startLocalService({
    name: 'Jaeger',
    command: binary,
    args: [`--config=file:${configFile}`],
    env: {
      JAEGER_OTLP_HTTP_PORT: String(otlp),
      JAEGER_QUERY_PORT: String(query),
      JAEGER_QUERY_GRPC_PORT: String(grpc),
    },
    dir,
    ready: async () => (await fetch(`${api}/services`)).ok,
  });
  const trace = async (traceId: string) => {
    const res = await fetch(`${api}/traces/${traceId}`, { signal: AbortSignal.timeout(5000) });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`Jaeger /api/traces/${traceId}: HTTP ${res.status}`);
    const body = (await res.json()) as { data: JaegerTrace[] | null };
    return body.data?.[0];
  };
  return {
    otlpUrl: `http://127.0.0.1:${otlp}/v1/traces`,
    trace,
    async traceWith(traceId, names) {
      let last: JaegerTrace | undefined;
      await until(
        `trace ${traceId} with ${names.join(', ')}`,
        async () => {
          last = await trace(traceId);
          const have = new Set(last?.spans.map((x) => x.operationName));
          return names.every((n) => have.has(n));
        },
        30_000,
      ).catch((err: unknown) => {
        const has = JSON.stringify(last?.spans.map((x) => x.operationName));
        throw new Error(`${(err as Error).message}: has ${has}\n${service.output()}`);
      });
      return last as JaegerTrace;
    },
    stop: service.stop,
    output: service.output,
  };
}
