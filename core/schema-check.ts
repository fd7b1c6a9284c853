/**
 * Checks a JSON value against an Avro type and reports every violation with a JSON pointer
 * (RFC 6901). Fields the schema declares a default for may be omitted; fields it does not declare
 * are errors (no silent stripping); nothing is coerced.
 */
import avro from 'avsc';
import { CHECK_IDS, type Reason } from './errors.ts';

export const SCHEMA_RULE = CHECK_IDS.schema;

export type SchemaCheck = { ok: true; value: Record<string, unknown> } | { ok: false; reasons: Reason[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function recordOf(type: avro.Type): avro.types.RecordType | undefined {
  return type instanceof avro.types.RecordType ? type : undefined;
}

function branches(type: avro.Type): avro.Type[] {
  if (type instanceof avro.types.UnwrappedUnionType || type instanceof avro.types.WrappedUnionType)
    return type.types;
  return [type];
}

/** Fills in declared defaults for omitted fields, recursively through records and nullable records. */
function withDefaults(type: avro.Type, value: unknown): unknown {
  if (!isObject(value)) return value;
  const record = branches(type)
    .map(recordOf)
    .find((r) => r !== undefined);
  if (!record) return value;
  const out: Record<string, unknown> = { ...value };
  for (const field of record.fields) {
    if (!Object.hasOwn(out, field.name)) {
      const d = field.defaultValue();
      if (d !== undefined) out[field.name] = d;
    } else {
      out[field.name] = withDefaults(field.type, out[field.name]);
    }
  }
  return out;
}

function describe(type: avro.Type): string {
  if (type instanceof avro.types.EnumType) return `one of ${type.symbols.join(', ')}`;
  if (type instanceof avro.types.RecordType) return 'an object';
  if (type instanceof avro.types.ArrayType) return 'an array';
  const bs = branches(type);
  if (bs.length > 1) return bs.map(describe).join(' or ');
  const name = type.typeName;
  if (name === 'long' || name === 'int') return 'an integer';
  if (name === 'float' || name === 'double') return 'a number';
  return `a ${name}`;
}

function jsonKind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'a fractional number';
  return `a ${typeof v}`;
}

export function checkAgainst(type: avro.Type, input: unknown): SchemaCheck {
  if (!isObject(input)) {
    return {
      ok: false,
      reasons: [{ code: 'SCHEMA_VIOLATION', rule: SCHEMA_RULE, path: '', message: 'expected a JSON object' }],
    };
  }
  const value = withDefaults(type, input) as Record<string, unknown>;
  const found = new Map<string, Reason>();
  const add = (path: (string | number)[], message: string) => {
    const pointer = jsonPointer(path);
    if (!found.has(pointer))
      found.set(pointer, { code: 'SCHEMA_VIOLATION', rule: SCHEMA_RULE, path: pointer, message });
  };
  // Pass 1: type errors at field level (avsc stops at a record with undeclared fields, so this pass
  // allows them and pass 2 finds them).
  type.isValid(value, {
    errorHook: (path, v, t) =>
      add(
        path,
        v === undefined ? 'required field is missing' : `expected ${describe(t)}, got ${jsonKind(v)}`,
      ),
  });
  // Pass 2: fields the schema does not declare.
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, v, t) => {
      const record = branches(t)
        .map(recordOf)
        .find((r) => r !== undefined);
      if (!record || !isObject(v)) return;
      const declared = new Set(record.fields.map((f) => f.name));
      for (const key of Object.keys(v))
        if (!declared.has(key)) add([...path, key], 'field is not in the schema');
    },
  });
  if (found.size > 0) return { ok: false, reasons: [...found.values()] };
  return { ok: true, value };
}
