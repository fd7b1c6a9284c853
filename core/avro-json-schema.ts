/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 uses it) of the JSON a route takes, derived from its Avro
 * schema (issue #15 §1): the same .avsc the ingress checks a body against, so the published
 * document cannot say something else. What the check adds beyond Avro types is carried over where
 * JSON Schema can say it (`maxLength` in code points, `format: uuid`, the integer ranges, no
 * fields but the declared ones); what it cannot (no control or bidirectional-override characters,
 * finite numbers) is said in the description of the route.
 *
 * JSON form: a union with null is the value or null, unwrapped (as the ingress reads it); a field
 * with a default may be omitted.
 */
type Json = Record<string, unknown>;

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const SAFE_LONG = { minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

/** Named types (records, enums) become `$defs` entries referenced by name. */
export interface JsonSchemaOut {
  schema: Json;
  defs: Record<string, Json>;
}

export function avroToJsonSchema(avro: unknown, namespace?: string): JsonSchemaOut {
  const defs: Record<string, Json> = {};
  const schema = convert(avro, namespace, defs);
  return { schema, defs };
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || namespace === undefined ? name : `${namespace}.${name}`;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function convert(t: unknown, namespace: string | undefined, defs: Record<string, Json>): Json {
  if (typeof t === 'string') {
    switch (t) {
      case 'null':
        return { type: 'null' };
      case 'boolean':
        return { type: 'boolean' };
      case 'int':
        return { type: 'integer', ...INT32 };
      case 'long':
        return { type: 'integer', ...SAFE_LONG };
      case 'float':
      case 'double':
        return { type: 'number' };
      case 'string':
        return { type: 'string' };
      case 'bytes':
        return { type: 'string' };
      default:
        // A reference to a named type defined earlier in the schema.
        return ref(fullName(t, namespace));
    }
  }
  if (Array.isArray(t)) {
    const branches = t.map((b) => convert(b, namespace, defs));
    return branches.length === 1 ? (branches[0] as Json) : { anyOf: branches };
  }
  if (typeof t !== 'object' || t === null) throw new Error(`not an Avro schema: ${JSON.stringify(t)}`);
  const s = t as Json;
  const doc = typeof s.doc === 'string' ? { description: s.doc } : {};
  switch (s.type) {
    case 'record': {
      const ns = typeof s.namespace === 'string' ? s.namespace : namespace;
      const name = fullName(String(s.name), ns);
      const fields = (s.fields as Json[]) ?? [];
      const properties: Record<string, Json> = {};
      const required: string[] = [];
      // Registered before its fields, so that a recursive reference resolves.
      defs[name] = {};
      for (const f of fields) {
        const fieldSchema = convert(f.type, ns, defs);
        properties[String(f.name)] = {
          ...fieldSchema,
          ...(typeof f.doc === 'string' ? { description: f.doc } : {}),
          ...(f.default !== undefined ? { default: f.default } : {}),
        };
        if (f.default === undefined) required.push(String(f.name));
      }
      defs[name] = {
        type: 'object',
        ...doc,
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      };
      return ref(name);
    }
    case 'enum': {
      const name = fullName(String(s.name), typeof s.namespace === 'string' ? s.namespace : namespace);
      defs[name] = { type: 'string', ...doc, enum: s.symbols };
      return ref(name);
    }
    case 'array':
      return { type: 'array', items: convert(s.items, namespace, defs) };
    case 'map':
      return { type: 'object', additionalProperties: convert(s.values, namespace, defs) };
    case 'string': {
      const out: Json = { type: 'string' };
      if (s.logicalType === 'uuid') out.format = 'uuid';
      if (typeof s.maxLength === 'number') out.maxLength = s.maxLength;
      return out;
    }
    default:
      // A primitive written as an object ({"type": "long", "logicalType": ...}).
      return convert(s.type, namespace, defs);
  }
}
