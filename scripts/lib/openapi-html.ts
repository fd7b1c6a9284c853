/**
 * docs/openapi.html: the OpenAPI document as a static page for people (no script, no external
 * resource): each operation with its parameters and answers, each schema as a table of its fields.
 */
type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const anchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}`;

/** A schema in one line: its type, enum, limits, or a link to the component it refers to. */
function typeOf(s: Json | undefined): string {
  if (!s) return '';
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').at(-1) ?? '';
    return `<a href="#${anchor(name)}">${esc(name)}</a>`;
  }
  for (const k of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(s[k])) return (s[k] as Json[]).map(typeOf).join(' | ');
  if (s.type === 'array') return `array of ${typeOf(s.items as Json)}`;
  const parts = [esc(s.type ?? (s.const !== undefined ? JSON.stringify(s.const) : 'any'))];
  if (s.format) parts.push(`(${esc(s.format)})`);
  if (s.maxLength !== undefined) parts.push(`≤ ${esc(s.maxLength)} chars`);
  if (Array.isArray(s.enum)) parts.push(`one of ${s.enum.map((v) => `<code>${esc(v)}</code>`).join(', ')}`);
  return parts.join(' ');
}

function schemaTable(name: string, s: Json): string {
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const rows = Object.entries(props)
    .map(
      ([p, v]) =>
        `<tr><td><code>${esc(p)}</code>${required.has(p) ? ' *' : ''}</td><td>${typeOf(v)}</td><td>${esc(v.description)}</td></tr>`,
    )
    .join('\n');
  const body =
    rows.length > 0
      ? `<table><tr><th>field (* required)</th><th>type</th><th>meaning</th></tr>\n${rows}</table>`
      : `<p>${typeOf(s)}</p>`;
  return `<h3 id="${anchor(name)}">${esc(name)}</h3>\n<p>${esc(s.description)}</p>\n${body}`;
}

export function renderOpenApiHtml(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const components = doc.components as { schemas: Record<string, Json>; parameters: Record<string, Json> };
  const ops = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const params = ((op.parameters as Json[] | undefined) ?? [])
          .map((p) =>
            typeof p.$ref === 'string' ? (components.parameters[p.$ref.split('/').at(-1) ?? ''] ?? p) : p,
          )
          .map(
            (p) =>
              `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''}): ${esc(p.description)}</li>`,
          )
          .join('');
        const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
        const bodies = Object.entries(content)
          .map(([type, c]) => `<li><code>${esc(type)}</code>: ${typeOf(c.schema as Json)}</li>`)
          .join('');
        const answers = Object.entries((op.responses ?? {}) as Record<string, Json>)
          .map(([code, r]) => `<li><b>${esc(code)}</b> ${esc(r.description)}</li>`)
          .join('');
        return `<h2><code>${esc(method.toUpperCase())} ${esc(path)}</code></h2>
<p>${esc(op.summary)}</p><p>${esc(op.description)}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
${bodies ? `<h4>Body</h4><ul>${bodies}</ul>` : ''}
<h4>Answers</h4><ul>${answers}</ul>`;
      }),
    )
    .join('\n');
  const schemas = Object.entries(components.schemas)
    .map(([n, s]) => schemaTable(n, s))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(info.title)} — API</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top;text-align:left}code{font-size:90%}</style>
</head><body>
<h1>${esc(info.title)} ${esc(info.version)}</h1>
<p>${esc(info.description)}</p>
<p>Generated from docs/openapi.json (<code>npm run openapi</code>); the document itself is served at <code>GET /openapi.json</code>.</p>
${ops}
<h1>Schemas</h1>
${schemas}
</body></html>
`;
}
