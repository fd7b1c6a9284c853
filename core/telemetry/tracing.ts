/**
 * OpenTelemetry tracing (issue #16 §1), with the official SDK: a stage's spans continue the trace of
 * the record they handle from its W3C `traceparent`, and the record they write carries the span's
 * own context on, so one trace runs ingress → validators → router (and the DLQ, replays, edge syncs).
 * Exported over OTLP/HTTP in batches; off (the default) without an endpoint, when a span is nothing
 * but the next `traceparent` (core/trace.ts) and costs no more than before.
 *
 * Spans are started with their parent context given explicitly, never an ambient one: no context
 * manager (async hooks) on the hot path, and a span cannot adopt the wrong record's parent.
 */
import {
  type Attributes,
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Config } from '../config/schema.ts';
import { childTraceparent } from '../trace.ts';

export type SpanKindName = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

export interface SpanOptions {
  kind: SpanKindName;
  /** The `traceparent` to continue; a new trace when absent or malformed. */
  parent?: string | undefined;
  attributes?: Attributes;
  /** Other traces this span relates to (an edge sync's records), as `traceparent`s. */
  links?: readonly string[];
}

export interface StageSpan {
  /** What the records this span writes carry on: its own context (tracing off: a new span id). */
  readonly traceparent: string;
  set(attributes: Attributes): void;
  /** A span under this one; ended with it at the latest. */
  child(name: string, opts: Omit<SpanOptions, 'parent'>): StageSpan;
  /** Marks the span failed with the error's name and message (never a record's content). */
  fail(err: unknown): void;
  /** Ends the span and any child still open. Idempotent. */
  end(): void;
}

export interface Tracing {
  readonly enabled: boolean;
  start(name: string, opts: SpanOptions): StageSpan;
  /** Exports what is buffered and stops (a stage's drain, a CLI's exit). */
  shutdown(): Promise<void>;
}

/** Tracing off: each span only hands on a new span id in its parent's trace. */
class UntracedSpan implements StageSpan {
  readonly traceparent: string;
  constructor(parent: string | undefined) {
    this.traceparent = childTraceparent(parent);
  }
  set(): void {}
  child(): StageSpan {
    return new UntracedSpan(this.traceparent);
  }
  fail(): void {}
  end(): void {}
}

export const untraced: Tracing = {
  enabled: false,
  start: (_name, opts) => new UntracedSpan(opts.parent),
  shutdown: async () => undefined,
};

const propagator = new W3CTraceContextPropagator();

/** The context a `traceparent` names (remote), or the root context when it names none. */
function contextOf(traceparent: string | undefined): Context {
  if (traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
}

function traceparentOf(span: Span): string {
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  // A span the SDK made always has a valid context: inject writes it.
  return carrier.traceparent ?? childTraceparent(undefined);
}

class OtelSpan implements StageSpan {
  readonly traceparent: string;
  private readonly children: OtelSpan[] = [];
  private ended = false;
  private readonly tracing: OtelTracing;
  private readonly span: Span;
  constructor(tracing: OtelTracing, span: Span) {
    this.tracing = tracing;
    this.span = span;
    this.traceparent = traceparentOf(span);
  }
  set(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }
  child(name: string, opts: Omit<SpanOptions, 'parent'>): StageSpan {
    const c = this.tracing.open(name, opts, trace.setSpan(ROOT_CONTEXT, this.span));
    this.children.push(c);
    return c;
  }
  fail(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    this.span.setAttributes({ 'error.type': typeof code === 'string' ? code : e.name });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const c of this.children) c.end();
    this.span.end();
  }
}

class OtelTracing implements Tracing {
  readonly enabled = true;
  private readonly tracer;
  private readonly provider: TracerProvider;
  constructor(provider: TracerProvider) {
    this.provider = provider;
    this.tracer = provider.getTracer('airlock');
  }
  open(name: string, opts: Omit<SpanOptions, 'parent'>, parent: Context): OtelSpan {
    const links = (opts.links ?? []).flatMap((t) => {
      const context = trace.getSpanContext(contextOf(t));
      return context ? [{ context }] : [];
    });
    const span = this.tracer.startSpan(
      name,
      { kind: KINDS[opts.kind], ...(opts.attributes && { attributes: opts.attributes }), links },
      parent,
    );
    return new OtelSpan(this, span);
  }
  start(name: string, opts: SpanOptions): StageSpan {
    return this.open(name, opts, contextOf(opts.parent));
  }
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/**
 * The stage's tracing: `untraced` without an endpoint. Each stage reports as `airlock-<stage>`;
 * new traces are sampled at `sampleRatio`, a record's own sampled flag is followed (ParentBased).
 */
export function createTracing(
  settings: Config['tracing'],
  stage: string,
  exporter: SpanExporter | undefined = settings.endpoint
    ? new OTLPTraceExporter({ url: settings.endpoint, timeoutMillis: 10_000 })
    : undefined,
): Tracing {
  if (!exporter) return untraced;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': `airlock-${stage}`, 'service.namespace': 'airlock' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    // Spans wait at most a second, at most 2,048 of them: under load an exporter that cannot keep
    // up drops spans (counted by the SDK), never holds records back.
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000, maxQueueSize: 2048 })],
  });
  return new OtelTracing(provider);
}

/** A PRODUCER span under `span` for a record written to `topic`; what that record's traceparent is. */
export function sendSpan(span: StageSpan, topic: string, attributes: Attributes = {}): StageSpan {
  return span.child(`send ${topic}`, {
    kind: 'producer',
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
      ...attributes,
    },
  });
}
