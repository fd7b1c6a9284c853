/**
 * The Avro contract of avro/: each route's payload schema, and the envelope every validated and
 * routed record travels in. Loaded once at start-up; the same types check a body at the ingress
 * (synchronous 422) and a record in the validators (authoritative), so the two can never disagree.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import type { Config } from './config/schema.ts';
import { recordKey } from './keys.ts';
import { schemaTypeHook } from './schema-check.ts';

export const AVRO_DIR = fileURLToPath(new URL('../avro/', import.meta.url));

/** The ingress routes and what each one carries. Adding a route is one entry here and one .avsc. */
export const ROUTES = {
  logbook: {
    httpPath: '/v1/logbook',
    schemaFile: 'logbook-entry.avsc',
    destination: (c: Config) => c.topics.logbook,
    key: 'aircraft',
  },
  'compliance-audit': {
    httpPath: '/v1/compliance/audit',
    schemaFile: 'compliance-audit-event.avsc',
    destination: (c: Config) => c.topics.complianceAudit,
    key: 'aircraft',
  },
  'parts-trace': {
    httpPath: '/v1/parts/trace',
    schemaFile: 'parts-trace-event.avsc',
    destination: (c: Config) => c.topics.partsTrace,
    key: 'part',
  },
  measurements: {
    httpPath: '/v1/measurements',
    schemaFile: 'measurement.avsc',
    destination: (c: Config) => c.topics.measurements,
    key: 'aircraft',
  },
} as const;

export type RouteName = keyof typeof ROUTES;

export { type KeyKind, recordKey } from './keys.ts';

/** A route's records are keyed by its key kind, in the ingress topic and in its destination. */
export const routeKey = (
  route: RouteName,
  payload: Readonly<Record<string, unknown>>,
  registration: string,
) => recordKey(ROUTES[route].key, payload, registration);

export function isRouteName(name: string): name is RouteName {
  return Object.hasOwn(ROUTES, name);
}

export type AvroSchema = { type: 'record'; name: string; namespace?: string; doc?: string; fields: object[] };

export interface RouteContract {
  readonly route: RouteName;
  readonly payloadSchema: AvroSchema;
  readonly payloadType: avro.Type;
  /** The envelope with this route's payload, e.g. airlock.mro.PartsTraceRecord. */
  readonly recordSchema: AvroSchema;
  readonly recordType: avro.Type;
}

export function readSchema(file: string, dir = AVRO_DIR): AvroSchema {
  const parsed = JSON.parse(readFileSync(new URL(file, `file://${dir}`), 'utf8')) as AvroSchema;
  if (parsed.type !== 'record') throw new Error(`${file}: the top-level type must be a record`);
  return parsed;
}

/** Envelope fields + `payload: <route schema>`, named `<Payload minus Event>Record`. */
export function composeRecordSchema(envelope: AvroSchema, payload: AvroSchema): AvroSchema {
  const name = `${payload.name.replace(/Event$|Entry$/, '')}Record`;
  return {
    type: 'record',
    name,
    namespace: envelope.namespace,
    doc: `${payload.name} with the Airlock envelope (trace id, received-at, source, maintenance context, actor, rule set, warnings).`,
    fields: [
      ...envelope.fields,
      { name: 'payload', type: payload, doc: 'The record as the sender sent it.' },
    ],
  };
}

export function loadContract(dir = AVRO_DIR): ReadonlyMap<RouteName, RouteContract> {
  const envelope = readSchema('envelope.avsc', dir);
  const out = new Map<RouteName, RouteContract>();
  for (const [route, spec] of Object.entries(ROUTES) as [RouteName, (typeof ROUTES)[RouteName]][]) {
    const payloadSchema = readSchema(spec.schemaFile, dir);
    const recordSchema = composeRecordSchema(envelope, payloadSchema);
    out.set(route, {
      route,
      payloadSchema,
      payloadType: avro.Type.forSchema(payloadSchema as avro.Schema, { typeHook: schemaTypeHook }),
      recordSchema,
      recordType: avro.Type.forSchema(recordSchema as avro.Schema, { typeHook: schemaTypeHook }),
    });
  }
  return out;
}
