/**
 * The import graph of the repository's TypeScript, and the boundaries LAYOUT.md draws on it
 * (issue #10): no loops; core/ and rules/ import no stage; core/ imports no rule; stages meet only
 * through the two public decision modules; rule files reach no I/O. Pure over a graph, so the
 * checks themselves are tested on graphs made to break them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface Edge {
  /** Repository-relative path of the imported file, or the bare module name (`kafkajs`, `node:fs`). */
  to: string;
  /** `import type` / `export type`, or every named binding marked `type`: erased at run time. */
  typeOnly: boolean;
}

export type ImportGraph = ReadonlyMap<string, readonly Edge[]>;

const SKIP = new Set(['node_modules', '.git', '.stack']);

function sourceFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const rel = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(root, rel));
    else if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const c = node.exportClause;
    return (
      c !== undefined &&
      ts.isNamedExports(c) &&
      c.elements.length > 0 &&
      c.elements.every((e) => e.isTypeOnly)
    );
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

/** Static imports, re-exports and dynamic `import('…')` of every .ts file under `root`. */
export function readImportGraph(root: string): ImportGraph {
  const graph = new Map<string, Edge[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    const edges: Edge[] = [];
    const add = (specifier: string, typeOnly: boolean) => {
      const to = specifier.startsWith('.')
        ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
        : specifier;
      edges.push({ to, typeOnly });
    };
    const visit = (node: ts.Node): void => {
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        add(node.moduleSpecifier.text, isTypeOnly(node));
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        add(node.arguments[0].text, false);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan), each a loop; type imports count. */
export function importLoops(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        connect(to);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) loops.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return loops;
}

export const STAGES = ['ingress', 'validators', 'router', 'dlq-replayer', 'edge', 'console'] as const;
/** The declared public decision modules, and the stages that may import them (DESIGN.md "Stages"). */
export const PUBLIC_MODULES = ['validators/verdict.ts', 'router/table.ts'] as const;
const MAY_IMPORT_PUBLIC = new Set(['dlq-replayer', 'console']);
/** Modules that do I/O: a rule file must not reach one, directly or through a value import. */
export const IO_MODULES = [
  'kafkajs',
  'ioredis',
  '@kafkajs/confluent-schema-registry',
  'fastify',
  'pino',
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:tls',
  'node:http',
  'node:https',
  'node:http2',
  'node:child_process',
  'node:dgram',
] as const;
/** rules/settings.ts reads and watches the rule-set file: the package's one door to the disk. */
const RULES_IO_EXCEPTIONS = new Set(['rules/settings.ts']);
const NON_PRODUCTION = ['test/', 'bench/', 'scripts/'];

const topFolder = (file: string) => file.split('/')[0] ?? '';

/** Every crossing of a boundary of LAYOUT.md, as `from -> to: why`. */
export function boundaryViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, edges] of graph) {
    const fromTop = topFolder(from);
    for (const { to } of edges) {
      if (!graph.has(to)) continue;
      const toTop = topFolder(to);
      if (fromTop === toTop) continue;
      if ((fromTop === 'core' || fromTop === 'rules') && (STAGES as readonly string[]).includes(toTop)) {
        out.push(`${from} -> ${to}: ${fromTop}/ imports no stage`);
      } else if (fromTop === 'core' && toTop === 'rules') {
        out.push(`${from} -> ${to}: core/ is infrastructure and knows no rule`);
      } else if (
        (STAGES as readonly string[]).includes(fromTop) &&
        (STAGES as readonly string[]).includes(toTop) &&
        !(MAY_IMPORT_PUBLIC.has(fromTop) && (PUBLIC_MODULES as readonly string[]).includes(to))
      ) {
        out.push(`${from} -> ${to}: stages meet only through ${PUBLIC_MODULES.join(' and ')}`);
      } else if (
        !NON_PRODUCTION.some((p) => from.startsWith(p)) &&
        NON_PRODUCTION.some((p) => to.startsWith(p))
      ) {
        out.push(`${from} -> ${to}: production code imports no test, bench or script`);
      }
    }
  }
  return out;
}

/** Rule files whose value imports reach an I/O module, with the path that reaches it. */
export function ruleIoViolations(graph: ImportGraph): string[] {
  const io = new Set<string>(IO_MODULES);
  const out: string[] = [];
  for (const start of graph.keys()) {
    if (!start.startsWith('rules/') || RULES_IO_EXCEPTIONS.has(start)) continue;
    const seen = new Set([start]);
    const queue: string[][] = [[start]];
    while (queue.length > 0) {
      const trail = queue.shift() ?? [];
      const at = trail.at(-1) ?? '';
      for (const { to, typeOnly } of graph.get(at) ?? []) {
        if (typeOnly || seen.has(to)) continue;
        seen.add(to);
        if (io.has(to)) out.push(`${[...trail, to].join(' -> ')}: a rule does no I/O`);
        else if (graph.has(to)) queue.push([...trail, to]);
      }
    }
  }
  return out;
}
