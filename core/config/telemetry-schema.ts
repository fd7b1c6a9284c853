/**
 * What the configuration says about watching Airlock (issue #16): OpenTelemetry tracing (§1) and
 * the access audit trail (§4).
 */
import { z } from 'zod';

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

/** OpenTelemetry traces over OTLP/HTTP (core/telemetry/tracing.ts): off without an endpoint. */
export const tracingSection = z.strictObject({
  endpoint: z
    .url({ protocol: /^https?$/ })
    .refine((u) => u.startsWith('https:') || loopback.has(new URL(u).hostname.replace(/^\[|\]$/g, '')), {
      message: 'expected https, or http on a loopback host (a collector beside the stage)',
    })
    .optional(),
  // Share of the traces a stage starts that are sampled; a record's sampled flag is followed.
  sampleRatio: z.number().min(0).max(1).default(1),
});

/** The access audit trail (ingress/access-audit.ts): every access decision, as Avro, to Kafka. */
export const accessAuditSection = z.strictObject({
  // On by default: an ingress that cannot say who was let in or refused is not fit for records
  // that decide whether an aircraft may fly. Off only for benchmarks and local experiments.
  enabled: z.boolean().default(true),
  // How long the topic keeps decisions (its retention.ms when the ingress creates it); -1: forever.
  retentionMs: z
    .number()
    .int()
    .min(-1)
    .default(400 * 24 * 3600 * 1000),
  // How long decisions are gathered into one write (more: fewer, larger writes; each answer waits it).
  lingerMs: z.number().int().min(0).max(1000).default(2),
  // How long an answer waits for its decision to be written; then it is sent anyway and counted.
  waitMs: z.number().int().positive().max(60_000).default(5000),
});
