/**
 * Checks a JSON value against an Avro type and reports its violations with a JSON pointer
 * (RFC 6901), at most MAX_REASONS of them (and how many more). Fields the schema declares a default
 * for may be omitted; fields it does not declare are errors (no silent stripping); nothing is
 * coerced. Beyond what Avro types say (issue #12 §13, §15):
 * - a string type may declare `"maxLength"` (Unicode code points), an attribute other Avro readers
 *   ignore; every string of the record schemas declares one (docs/api.md "Limits");
 * - numbers are finite: `1e400`, which JSON.parse reads as Infinity, is refused;
 * - text is well-formed: no lone surrogate, no control character but tab, line feed and carriage
 *   return, no bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069, the
 *   "Trojan Source" characters). Bidirectional marks (U+200E, U+200F, U+061C) are accepted on
 *   purpose: right-to-left text needs them.
 */
import avro from 'avsc';
import { CHECK_IDS, type Reason } from './errors.ts';

export const SCHEMA_RULE = CHECK_IDS.schema;

export type SchemaCheck =
  | { ok: true; value: Record<string, unknown> }
  | {
      ok: false;
      reasons: Reason[] /** Violations found beyond the MAX_REASONS reported. */;
      omitted: number;
    };

/** Reported violations per record; a count stands for the rest, so an answer stays small. */
export const MAX_REASONS = 50;

/** The `maxLength` a string type declared, by the avsc type made for it (schemaTypeHook). */
const MAX_LENGTH = new WeakMap<avro.Type, number>();

/**
 * avsc's typeHook for Type.forSchema: keeps a string type's `maxLength` (avsc drops attributes it
 * does not know) for checkAgainst.
 */
export const schemaTypeHook = (schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined => {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const { maxLength, ...rest } = schema as { type?: unknown; maxLength?: unknown };
  if (rest.type !== 'string' || maxLength === undefined) return undefined;
  if (!Number.isSafeInteger(maxLength) || (maxLength as number) < 1)
    throw new Error(`maxLength must be a positive integer, got ${String(maxLength)}`);
  const type = avro.Type.forSchema(rest as avro.Schema, opts);
  MAX_LENGTH.set(type, maxLength as number);
  return type;
};

// C0 controls but tab, LF and CR; DEL and C1 controls; bidi embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function textProblem(s: string, max: number | undefined): string | undefined {
  if (max !== undefined && s.length > max) {
    // s.length counts UTF-16 units: count code points only when it could matter.
    let points = 0;
    for (const _ of s) if (++points > max) return `longer than ${max} characters`;
  }
  if (!s.isWellFormed()) return 'contains a lone surrogate (not Unicode text)';
  const bad = UNSAFE_TEXT.exec(s);
  if (bad) {
    const at = bad[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
    return `contains U+${at}, a control or bidirectional-override character`;
  }
  return undefined;
}

/** The branch of a union a JSON value of the right type belongs to (by its JSON kind first). */
function branchFor(type: avro.Type, value: unknown): avro.Type {
  const bs = branches(type);
  if (bs.length === 1) return type;
  const kind = typeof value === 'object' ? (Array.isArray(value) ? 'array' : 'object') : typeof value;
  let only: avro.Type | undefined;
  let several = false;
  for (const b of bs) {
    if (BRANCH_KIND[b.typeName] !== kind) continue;
    if (only) several = true;
    else only = b;
  }
  if (only && !several) return only;
  return bs.find((b) => BRANCH_KIND[b.typeName] === kind && b.isValid(value)) ?? type;
}

/** The JSON kind of a value of each Avro type name. */
const BRANCH_KIND: Readonly<Record<string, string>> = {
  string: 'string',
  enum: 'string',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  array: 'array',
  record: 'object',
  error: 'object',
  map: 'object',
};

/**
 * Pass 3 over a value already of its type: string bounds and text, finite numbers. `path` is one
 * stack pushed and popped on the way (copied only for a finding).
 */
function contentProblems(
  type: avro.Type,
  value: unknown,
  path: (string | number)[],
  add: (path: (string | number)[], message: string) => void,
): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) add([...path], 'number out of range (it overflows to Infinity)');
    return;
  }
  if (typeof value === 'string') {
    const problem = textProblem(value, MAX_LENGTH.get(branchFor(type, value)));
    if (problem) add([...path], problem);
    return;
  }
  if (typeof value !== 'object') return;
  const t = branchFor(type, value);
  if (t instanceof avro.types.RecordType) {
    const record = value as Record<string, unknown>;
    for (const field of t.fields) {
      if (!Object.hasOwn(record, field.name)) continue;
      path.push(field.name);
      contentProblems(field.type, record[field.name], path, add);
      path.pop();
    }
  } else if (t instanceof avro.types.ArrayType && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      contentProblems(t.itemsType, value[i], path, add);
      path.pop();
    }
  } else if (t instanceof avro.types.MapType) {
    for (const [k, v] of Object.entries(value)) {
      path.push(k);
      contentProblems(t.valuesType, v, path, add);
      path.pop();
    }
  }
}

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

/**
 * The rule id a violation at a JSON pointer carries instead of AVRO-SCHEMA, when the catalogue names
 * one (rules/schema-rules.ts); `undeclared` for a field the schema does not have.
 */
export type SchemaRuleFor = (pointer: string, undeclared: boolean) => string | undefined;

export function checkAgainst(type: avro.Type, input: unknown, ruleFor?: SchemaRuleFor): SchemaCheck {
  if (!isObject(input)) {
    return {
      ok: false,
      reasons: [{ code: 'SCHEMA_VIOLATION', rule: SCHEMA_RULE, path: '', message: 'expected a JSON object' }],
      omitted: 0,
    };
  }
  const value = withDefaults(type, input) as Record<string, unknown>;
  const found = new Map<string, Reason>();
  let omitted = 0;
  const add = (path: (string | number)[], message: string, undeclared = false) => {
    const pointer = jsonPointer(path);
    if (found.has(pointer)) return;
    if (found.size >= MAX_REASONS) omitted++;
    else {
      const rule = ruleFor?.(pointer, undeclared) ?? SCHEMA_RULE;
      found.set(pointer, { code: 'SCHEMA_VIOLATION', rule, path: pointer, message });
    }
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
        if (!declared.has(key)) add([...path, key], 'field is not in the schema', true);
    },
  });
  // Pass 3, on a value of its type: what Avro types cannot say.
  if (found.size === 0) contentProblems(type, value, [], add);
  if (found.size > 0) return { ok: false, reasons: [...found.values()], omitted };
  return { ok: true, value };
}
