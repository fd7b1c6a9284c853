/**
 * The OpenAPI 3.1 document of the ingress's HTTP surface (issue #15 §1), built from what the routes
 * enforce: each route's body schema from its .avsc (core/avro-json-schema.ts), the error codes and
 * their statuses from core/errors.ts, the batch limit from the configuration, examples from
 * avro/examples. Served at GET /openapi.json; `npm run openapi` writes docs/openapi.json, and a
 * test keeps that file equal to what the code builds and checks the avro/ examples against it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { avroToJsonSchema } from '../core/avro-json-schema.ts';
import { AVRO_DIR, ROUTES, type RouteContract, type RouteName } from '../core/contract.ts';
import { ERROR_CODES } from '../core/errors.ts';

type Json = Record<string, unknown>;

/** The HTTP codes a record route answers with a problem, and which error codes each one carries. */
const PROBLEM_STATUSES: Record<number, string[]> = {};
for (const [code, spec] of Object.entries(ERROR_CODES)) {
  // The edge station's own codes are not the ingress's.
  if (spec.status === null || code === 'OUTBOX_FULL' || code === 'SIGNATURE_INVALID') continue;
  PROBLEM_STATUSES[spec.status] = [...(PROBLEM_STATUSES[spec.status] ?? []), code];
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const problem = (status: number, description: string) => ({
  description: `${description} (${(PROBLEM_STATUSES[status] ?? []).join(', ')})`,
  content: { 'application/problem+json': { schema: problemRef } },
});

const RECORD_PROBLEMS = {
  '400': problem(400, 'Malformed JSON, invalid UTF-8, a duplicate name, an invalid header'),
  '401': problem(401, 'No, an invalid, expired or revoked token (with WWW-Authenticate)'),
  '403': problem(
    403,
    'Maintenance context invalid, role not allowed, client certificate not allowed, web origin not listed',
  ),
  '409': problem(409, 'The same Idempotency-Key is still in flight: retry later'),
  '413': problem(413, 'Body, batch or record larger than the limits or than the topics take'),
  '415': problem(415, 'Not application/json or application/x-ndjson in UTF-8, or a Content-Encoding'),
  '421': problem(421, 'The connection was retired (client trust changed): retry on a new connection'),
  '422': problem(422, 'Schema or rule violation, or an Idempotency-Key reused with another body'),
  '429': {
    ...problem(
      429,
      'Rate limited (the identity’s limit, or its tenant’s) or the tenant’s record quota spent',
    ),
    headers: {
      'Retry-After': { schema: { type: 'integer' } },
      RateLimit: {
        schema: { type: 'string' },
        description:
          'Each policy that applied, the most constrained first: "<identity|tenant>";r=<remaining>;t=<reset s> (draft-ietf-httpapi-ratelimit-headers)',
      },
      'RateLimit-Policy': {
        schema: { type: 'string' },
        description: 'Each policy that applied: "<identity|tenant>";q=<limit>;w=<window s>',
      },
      'RateLimit-Limit': { schema: { type: 'integer' }, description: 'The most constrained policy’s limit' },
      'RateLimit-Remaining': { schema: { type: 'integer' } },
      'RateLimit-Reset': { schema: { type: 'integer' }, description: 'Seconds until a slot frees' },
    },
  },
  '503': {
    ...problem(
      503,
      'Not durable right now, the identity provider unreachable, or this route shed under overload: nothing was published',
    ),
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
  },
};

/** The valid examples of a route's schema, by file name. */
function examples(route: RouteName): Record<string, { value: unknown }> {
  const dir = `${AVRO_DIR}examples/${ROUTES[route].schemaFile.replace(/\.avsc$/, '')}/valid`;
  const out: Record<string, { value: unknown }> = {};
  for (const f of readdirSync(dir).sort())
    out[f.replace(/\.json$/, '')] = { value: JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) };
  return out;
}

export function openApiDocument(
  contract: ReadonlyMap<RouteName, RouteContract>,
  opts: { maxRecordsPerRequest: number; maxBodyBytes: number; version?: string },
): Json {
  const schemas: Record<string, Json> = {};
  const paths: Record<string, Json> = {};
  for (const [route, c] of contract) {
    const { schema, defs } = avroToJsonSchema(c.payloadSchema);
    Object.assign(schemas, defs);
    const one = schema;
    paths[ROUTES[route].httpPath] = {
      post: {
        operationId: `post-${route}`,
        tags: ['records'],
        summary: c.payloadSchema.doc?.split('. ')[0] ?? route,
        description: `${c.payloadSchema.doc ?? ''}\n\nEvery string is Unicode text without control characters (but tab, line feed, carriage return) or bidirectional overrides, numbers are finite, and the body has no duplicate names; the route's record-level rules (docs/rules.md) are judged at the door (422). A JSON array or application/x-ndjson is a batch of at most ${opts.maxRecordsPerRequest} records, answered 207 with one result each.`,
        parameters: [
          { $ref: '#/components/parameters/MaintenanceContext' },
          { $ref: '#/components/parameters/IdempotencyKey' },
          { $ref: '#/components/parameters/Traceparent' },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [one, { type: 'array', items: one, minItems: 1, maxItems: opts.maxRecordsPerRequest }],
              },
              examples: examples(route),
            },
            'application/x-ndjson': {
              schema: { type: 'string', description: 'One record (as application/json) per line.' },
            },
          },
        },
        responses: {
          '202': {
            description: 'Accepted: the record is committed to the ingress topic (durable)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
          },
          '207': {
            description: 'A batch: one result per record; all accepted ones in one committed transaction',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchResult' } } },
          },
          ...RECORD_PROBLEMS,
        },
      },
    };
  }
  paths['/v1/records/{trace_id}'] = {
    get: {
      operationId: 'get-record-status',
      tags: ['records'],
      summary: 'Where a record is now',
      parameters: [
        { name: 'trace_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      responses: {
        '200': {
          description: "The record's events, stage by stage (its sender, or a status reader role)",
          content: { 'application/json': { schema: { $ref: '#/components/schemas/RecordStatus' } } },
        },
        '401': RECORD_PROBLEMS['401'],
        '404': problem(404, 'No such record, or not yours to read'),
        '503': RECORD_PROBLEMS['503'],
      },
    },
  };
  const plain = (summary: string, type: string, schema: Json) => ({
    get: {
      tags: ['operations'],
      summary,
      responses: { '200': { description: summary, content: { [type]: { schema } } } },
    },
  });
  paths['/health/live'] = plain('The process runs', 'application/json', { type: 'object' });
  paths['/health/ready'] = {
    get: {
      tags: ['operations'],
      summary: 'Kafka, the registry, Redis and the JWKS answer and the stage is not draining',
      responses: {
        '200': {
          description: 'Ready',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } },
        },
        '503': {
          description: 'Not ready',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } },
        },
      },
    },
  };
  paths['/metrics'] = plain('Prometheus metrics of every worker', 'text/plain', { type: 'string' });
  paths['/openapi.json'] = plain('This document', 'application/json', { type: 'object' });

  const context = avroToJsonSchema({
    type: 'record',
    name: 'MaintenanceContext',
    doc: 'The x-maintenance-context header, decoded: base64 of this JSON object (CTX-* rules).',
    fields: [
      {
        name: 'work_order_id',
        type: { type: 'string', logicalType: 'uuid' },
        doc: 'A version-4 UUID (CTX-WO-1).',
      },
      {
        name: 'aircraft_registration',
        type: 'string',
        doc: 'Registration mark in canonical form, e.g. D-AIBL (CTX-REG-1).',
      },
      { name: 'technician_badge_hash', type: 'string', doc: 'SHA-256 hex of the badge id (CTX-BADGE-1).' },
    ],
  });
  Object.assign(schemas, context.defs, {
    Accepted: {
      type: 'object',
      required: ['trace_id', 'status'],
      properties: { trace_id: { type: 'string', format: 'uuid' }, status: { const: 'accepted' } },
    },
    Reason: {
      type: 'object',
      required: ['path', 'message', 'rule'],
      properties: {
        path: { type: 'string', description: 'JSON pointer into the record ("" for the request context)' },
        message: { type: 'string' },
        rule: {
          type: 'string',
          description: 'The catalogue rule id (docs/rules.md), or a check id (docs/errors.md)',
        },
      },
    },
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details',
      required: ['type', 'title', 'status', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string', enum: Object.values(PROBLEM_STATUSES).flat() },
        trace_id: { type: 'string' },
        errors: { type: 'array', items: { $ref: '#/components/schemas/Reason' }, maxItems: 50 },
        errors_omitted: { type: 'integer', description: 'Violations found beyond the 50 listed' },
      },
    },
    BatchResult: {
      type: 'object',
      required: ['accepted', 'rejected', 'results'],
      properties: {
        accepted: { type: 'integer' },
        rejected: { type: 'integer' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            required: ['index', 'status'],
            properties: {
              index: { type: 'integer' },
              status: { type: 'integer' },
              trace_id: { type: 'string', format: 'uuid' },
              code: { type: 'string' },
              detail: { type: 'string' },
              errors: { type: 'array', items: { $ref: '#/components/schemas/Reason' } },
              errors_omitted: { type: 'integer' },
            },
          },
        },
      },
    },
    RecordStatus: {
      type: 'object',
      required: ['trace_id', 'events'],
      properties: {
        trace_id: { type: 'string' },
        events: {
          type: 'array',
          items: {
            type: 'object',
            required: ['stage', 'state', 'at'],
            properties: {
              stage: { type: 'string' },
              state: {
                type: 'string',
                enum: ['accepted', 'validated', 'rejected', 'duplicate', 'routed', 'replayed'],
              },
              at: { type: 'string' },
              topics: { type: 'array', items: { type: 'string' } },
              code: { type: 'string' },
              rules: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    Readiness: {
      type: 'object',
      required: ['status', 'checks'],
      properties: {
        status: { type: 'string', enum: ['ready', 'not-ready', 'draining'] },
        checks: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] } },
        shedding: {
          type: 'object',
          description:
            'Load shedding by route priority (ingress/shedding.ts): shown, never deciding readiness',
          properties: {
            enabled: { type: 'boolean' },
            level: { type: 'integer', minimum: 0 },
            since: { type: ['string', 'null'], format: 'date-time' },
            shedRoutes: { type: 'array', items: { type: 'string' } },
            inFlightRecords: { type: 'integer', minimum: 0 },
            publishMs: { type: 'integer', minimum: 0 },
            breaker: { type: 'string', enum: ['closed', 'open', 'half-open'] },
          },
        },
      },
    },
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'Airlock ingress',
      version: opts.version ?? '0.1.0',
      description:
        'The HTTPS ingress of Airlock, the ingestion gateway for aircraft maintenance records. Every request presents a client certificate (mutual TLS) and a bearer JWT; record routes also the maintenance context. A 202 is answered only once the record is committed to Kafka; anything else publishes nothing a read_committed reader can see. docs/api.md, docs/errors.md, docs/rules.md.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: 'https://127.0.0.1:8080', description: 'the local stack (npm start)' }],
    security: [{ mutualTLS: [], bearer: [] }],
    tags: [
      { name: 'records', description: 'Maintenance records in, and where they are' },
      { name: 'operations', description: 'Health, metrics, this document' },
    ],
    paths,
    components: {
      securitySchemes: {
        mutualTLS: { type: 'mutualTLS', description: 'A client certificate of the configured CA' },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token of a trusted issuer, bound to the client certificate under the default identity policy (docs/adr/0009)',
        },
      },
      parameters: {
        MaintenanceContext: {
          name: 'x-maintenance-context',
          in: 'header',
          required: true,
          description: 'base64 (standard alphabet) of the JSON MaintenanceContext object',
          schema: {
            type: 'string',
            contentEncoding: 'base64',
            contentMediaType: 'application/json',
            contentSchema: context.schema,
          },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'A retry with the same key and body gets the first answer; published once',
          schema: { type: 'string', minLength: 1 },
        },
        Traceparent: {
          name: 'traceparent',
          in: 'header',
          required: false,
          description: 'W3C Trace Context; the records continue the trace',
          schema: { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
        },
      },
      schemas,
    },
  };
}
