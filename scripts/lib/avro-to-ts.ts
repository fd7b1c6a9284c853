/**
 * Renders TypeScript declarations from Avro schemas: records become interfaces, enums unions of
 * string literals, ["null", T] becomes `T | null`, logical types their underlying type. The output
 * describes a record as decoded (defaults filled in), so every field is present.
 */
type Schema =
  | string
  | Schema[]
  | {
      type: string | Schema;
      name?: string;
      namespace?: string;
      fields?: Field[];
      symbols?: string[];
      items?: Schema;
      values?: Schema;
      doc?: string;
    };
interface Field {
  name: string;
  type: Schema;
  doc?: string;
}

const PRIMITIVE: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Uint8Array',
  string: 'string',
};

export function renderTypes(schemas: readonly object[]): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const ref = (s: Schema): string => {
    if (typeof s === 'string') return PRIMITIVE[s] ?? s.split('.').at(-1) ?? s;
    if (Array.isArray(s)) return s.map(ref).join(' | ');
    if (typeof s.type === 'object') return ref(s.type);
    switch (s.type) {
      case 'record':
      case 'error': {
        const name = s.name ?? 'Anonymous';
        if (!seen.has(name)) {
          seen.add(name);
          const fields = (s.fields ?? []).map((f) => {
            const doc = f.doc ? `  /** ${f.doc.replaceAll('*/', '*∕')} */\n` : '';
            return `${doc}  ${f.name}: ${ref(f.type)};`;
          });
          const doc = s.doc ? `/** ${s.doc.replaceAll('*/', '*∕')} */\n` : '';
          out.push(`${doc}export interface ${name} {\n${fields.join('\n')}\n}\n`);
        }
        return name;
      }
      case 'enum': {
        const name = s.name ?? 'AnonymousEnum';
        if (!seen.has(name)) {
          seen.add(name);
          out.push(`export type ${name} = ${(s.symbols ?? []).map((x) => `'${x}'`).join(' | ')};\n`);
        }
        return name;
      }
      case 'array':
        return `Array<${ref(s.items ?? 'null')}>`;
      case 'map':
        return `Record<string, ${ref(s.values ?? 'null')}>`;
      default:
        return PRIMITIVE[s.type] ?? 'unknown';
    }
  };
  for (const s of schemas) ref(s as Schema);
  return out.join('\n');
}

export const BANNER =
  '// Generated from avro/ by `npm run schemas:types` (scripts/gen-types.ts). Do not edit: change the\n// .avsc files and regenerate; test/unit/core/generated.test.ts fails when this file is stale.\n';
